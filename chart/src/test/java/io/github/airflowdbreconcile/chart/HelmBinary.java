package io.github.airflowdbreconcile.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real helm binary, run as a process: the path comes from the system property {@code helm.bin}, which
 * chart/pom.xml sets to the binary scripts/k8s/build.sh builds. Each run gets its own empty Helm home and no
 * kubeconfig, so nothing on this machine changes what the tests see.
 */
final class HelmBinary {

    private static final long TIMEOUT_SECONDS = 120;
    private static Path home;

    private HelmBinary() {
    }

    /** What one run printed and how it exited. */
    record Result(List<String> args, int exitCode, String out, String err) {

        /** Its standard output; a failing run fails the test with Helm's own error. */
        String outOrFail() {
            if (exitCode != 0) {
                throw new AssertionError("helm " + String.join(" ", args) + " exited " + exitCode + ": " + err);
            }
            return out;
        }

        /** Its standard error; a run that should have failed and did not fails the test. */
        String errOfFailure() {
            if (exitCode == 0) {
                throw new AssertionError("helm " + String.join(" ", args) + " succeeded but should have failed");
            }
            return err;
        }
    }

    static Result run(List<String> args) {
        return run(args, Map.of());
    }

    static Result run(List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        try {
            Path dir = Files.createTempDirectory(home(), "run");
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Path helmHome = home();
            builder.environment().put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
            builder.environment().put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
            builder.environment().put("HELM_DATA_HOME", helmHome.resolve("data").toString());
            builder.environment().put("KUBECONFIG", helmHome.resolve("no-kubeconfig").toString());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("helm " + String.join(" ", args) + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            Result result = new Result(args, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            Files.delete(dir);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while helm ran", e);
        }
    }

    static Path binary() {
        String property = System.getProperty("helm.bin");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("system property helm.bin is not set: run the chart tests through Maven"
                    + " (chart/pom.xml sets it) or pass -Dhelm.bin=/path/to/helm");
        }
        Path binary = Path.of(property);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no helm binary at " + binary + " (-Dhelm.bin): run scripts/k8s/build.sh"
                    + " to build it, or pass -Dhelm.bin=/path/to/helm");
        }
        return binary;
    }

    private static synchronized Path home() throws IOException {
        if (home == null) {
            home = Files.createTempDirectory("helm-home");
        }
        return home;
    }
}
