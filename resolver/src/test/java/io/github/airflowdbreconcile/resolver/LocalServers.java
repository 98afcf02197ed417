package io.github.airflowdbreconcile.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the throw-away servers of the integration tests (PostgreSQL, PgBouncer, MariaDB) share. */
final class LocalServers {
    private LocalServers() {}

    /** Servers refuse to run as root: then they run as their packages' own user. */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command to its end; fails with its output when it fails. */
    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to 60 s until {@code server} listens on the port; fails with its log when it does not or dies. */
    static void awaitPort(Process server, int port, Path log) throws IOException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(server.info().command().orElse("the server") + " did not listen on port "
                + port + ": " + (Files.exists(log) ? Files.readString(log) : "no log"));
    }

    /** Stops a server started as a child process: SIGTERM, then SIGKILL after 30 s. */
    static void stop(Process server) throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Removes a server's temp dir; one left behind is not worth failing a test for. */
    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left behind in the temp dir.
        }
    }
}
