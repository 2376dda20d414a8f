package dev.drydock.tasks.domain;

/**
 * Run ids as ACR writes them: short, per registry, base 36 after a {@code c} ({@code ca1}, {@code ca2} ...
 * {@code caz}, {@code cb0} ... {@code c100}), from the registry's run sequence.
 */
public final class RunId {

    /** "a0" in base 36: the first run is ca1. */
    private static final long OFFSET = 10 * 36;

    private RunId() {
    }

    public static String of(long sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("run sequences start at 1, got " + sequence);
        }
        return "c" + Long.toString(sequence + OFFSET, 36);
    }

    /** The sequence number of a run id, or -1 for text that is not one. */
    public static long sequenceOf(String id) {
        if (id == null || id.length() < 3 || id.charAt(0) != 'c' || !id.substring(1).matches("[0-9a-z]+")) {
            return -1;
        }
        long value = Long.parseLong(id.substring(1), 36) - OFFSET;
        return value >= 1 ? value : -1;
    }
}
