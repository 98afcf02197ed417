package io.github.airflowdbreconcile.map.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Makes URLs safe to print: credentials never reach a log. */
public final class Urls {
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(?<=://)([^/@:?#]*):(.*)@(?=[^@]*$)");
    private static final Pattern SECRET_QUERY_VALUE =
            Pattern.compile("(?i)([?&;](?:password|passwd|pwd|sslpassword|token|secret)=)[^&;#]*");
    private static final Pattern URL_IN_TEXT = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");

    private Urls() {}

    /** Masks every URL inside free text, such as an exception message from a library that quotes the URL it used. */
    public static String maskAll(String text) {
        if (text == null) {
            return null;
        }
        return URL_IN_TEXT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(mask(m.group())));
    }

    /**
     * Replaces the password in {@code scheme://user:password@host} and secret query parameters with {@code ***}.
     * An unencoded {@code @} inside a password is masked too: everything up to the last {@code @} counts as credentials.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO_PASSWORD.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":***@"));
        return SECRET_QUERY_VALUE.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
    }
}
