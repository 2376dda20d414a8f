package dev.drydock.tasks.domain.purge;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * acr purge's {@code --ago}: an optional number of days ({@code 2d}) followed by a Go duration ({@code 3h6m},
 * {@code 1.5h}, {@code 10m}, {@code 90s}); {@code 0d} is now. Capped at 150 years, as acr purge caps it.
 */
public final class Ago {

    static final Duration MAX = Duration.ofDays(150L * 365);
    private static final Pattern DAYS = Pattern.compile("^(\\d+)d");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Ago() {
    }

    /** @throws IllegalArgumentException naming the text */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--ago is a duration such as 1d, 2d3h6m, 10m or 1.5h");
        }
        String rest = text.strip();
        Duration total = Duration.ZERO;
        Matcher days = DAYS.matcher(rest);
        if (days.find()) {
            total = total.plusDays(Long.parseLong(days.group(1)));
            rest = rest.substring(days.end());
        }
        Matcher part = PART.matcher(rest);
        int at = 0;
        while (at < rest.length()) {
            if (!part.find(at) || part.start() != at) {
                throw new IllegalArgumentException("--ago '" + text + "' is not a duration such as 1d, 2d3h6m, 10m"
                        + " or 1.5h");
            }
            total = total.plus(part(new BigDecimal(part.group(1)), part.group(2)));
            at = part.end();
        }
        return total.compareTo(MAX) > 0 ? MAX : total;
    }

    private static Duration part(BigDecimal value, String unit) {
        BigDecimal nanos = switch (unit) {
            case "ns" -> value;
            case "us", "µs" -> value.movePointRight(3);
            case "ms" -> value.movePointRight(6);
            case "s" -> value.movePointRight(9);
            case "m" -> value.multiply(BigDecimal.valueOf(60)).movePointRight(9);
            default -> value.multiply(BigDecimal.valueOf(3600)).movePointRight(9);
        };
        return Duration.ofNanos(nanos.min(BigDecimal.valueOf(MAX.toNanos())).longValue());
    }
}
