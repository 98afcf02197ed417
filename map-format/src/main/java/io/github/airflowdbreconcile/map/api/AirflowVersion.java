package io.github.airflowdbreconcile.map.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release version ordered as PEP 440 orders it (the subset Airflow uses: release numbers, a/b/rc pre-releases,
 * post and dev releases). The text is kept in PEP 440 normal form, so {@code 3.0.0-RC1} reads back as {@code 3.0.0rc1}.
 */
public record AirflowVersion(int[] release, String prePhase, int preNumber, int post, int dev)
        implements Comparable<AirflowVersion> {

    private static final Pattern PEP440 = Pattern.compile(
            "v?(?<release>\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(?<pre>a|b|rc|alpha|beta|c)[-_.]?(?<preN>\\d+)?)?"
                    + "(?<postSegment>[-_.]?(?:post|rev|r)[-_.]?(?<post>\\d+)?)?"
                    + "(?<devSegment>[-_.]?dev[-_.]?(?<dev>\\d+)?)?");
    private static final int ABSENT = -1;

    public AirflowVersion {
        release = release.clone();
    }

    /** Parses a PEP 440 version; anything else is an {@link ErrorCode#INVALID_VERSION} error naming the text. */
    public static AirflowVersion parse(String text) {
        if (text == null) {
            throw new ReconcileException(ErrorCode.INVALID_VERSION, "no version given: expected a version such as 3.0.6");
        }
        Matcher m = PEP440.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ReconcileException(ErrorCode.INVALID_VERSION,
                    "'" + text + "' is not a version: expected a PEP 440 version such as 3.0.6 or 3.1.0rc1");
        }
        int[] release = Arrays.stream(m.group("release").split("\\.")).mapToInt(n -> number(n, text)).toArray();
        String phase = m.group("pre") == null ? null : switch (m.group("pre")) {
            case "alpha" -> "a";
            case "beta" -> "b";
            case "c" -> "rc";
            default -> m.group("pre");
        };
        int preNumber = phase == null ? ABSENT : number(m.group("preN"), text);
        int post = m.group("postSegment") == null ? ABSENT : number(m.group("post"), text);
        int dev = m.group("devSegment") == null ? ABSENT : number(m.group("dev"), text);
        return new AirflowVersion(release, phase, preNumber, post, dev);
    }

    @Override
    public int[] release() {
        return release.clone();
    }

    /** A number of the version; one past int's range is no release anyone made, so it is refused, not a crash. */
    private static int number(String digits, String text) {
        if (digits == null) {
            return 0;
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ReconcileException(ErrorCode.INVALID_VERSION, "'" + text + "' is not a version: its number "
                    + digits + " is too large; expected a PEP 440 version such as 3.0.6", e);
        }
    }

    /** True for alpha, beta, release-candidate and dev versions. */
    public boolean isPreRelease() {
        return prePhase != null || dev != ABSENT;
    }

    public int major() {
        return release[0];
    }

    @Override
    public int compareTo(AirflowVersion other) {
        int length = Math.max(release.length, other.release.length);
        for (int i = 0; i < length; i++) {
            int c = Integer.compare(segment(i), other.segment(i));
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(preRank(), other.preRank());
        if (c == 0) {
            c = Integer.compare(preNumber, other.preNumber);
        }
        if (c == 0) {
            c = Integer.compare(post, other.post);
        }
        if (c == 0) {
            c = Integer.compare(devRank(), other.devRank());
        }
        return c;
    }

    private int segment(int i) {
        return i < release.length ? release[i] : 0;
    }

    /** A bare dev release sorts before every pre-release of the same release; a final after all of them. */
    private int preRank() {
        if (prePhase == null) {
            return dev != ABSENT && post == ABSENT ? -1 : 3;
        }
        return switch (prePhase) {
            case "a" -> 0;
            case "b" -> 1;
            default -> 2;
        };
    }

    private int devRank() {
        return dev == ABSENT ? Integer.MAX_VALUE : dev;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AirflowVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        int[] trimmed = release;
        int end = trimmed.length;
        while (end > 1 && trimmed[end - 1] == 0) {
            end--;
        }
        int h = Arrays.hashCode(Arrays.copyOf(trimmed, end));
        return 31 * (31 * (31 * (31 * h + preRank()) + preNumber) + post) + dev;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < release.length; i++) {
            sb.append(i == 0 ? "" : ".").append(release[i]);
        }
        if (prePhase != null) {
            sb.append(prePhase).append(preNumber);
        }
        if (post != ABSENT) {
            sb.append(".post").append(post);
        }
        if (dev != ABSENT) {
            sb.append(".dev").append(dev);
        }
        return sb.toString();
    }
}
