package dev.drydock.tasks.domain.purge;

import dev.drydock.tasks.domain.Flags;
import dev.drydock.tasks.domain.Words;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code acr purge ...} command line with acr purge's flags and rules: {@code --filter} (several) and
 * {@code --ago} are required unless {@code --untagged-only}; {@code --untagged} and {@code --untagged-only} exclude
 * each other; {@code --concurrency} is clamped to 1–32 (0 or less: the default).
 *
 * @param registry the registry named with --registry, or null (the run's)
 * @param ago      null with --untagged-only and no --ago
 */
public record PurgeCommand(String registry, List<PurgeFilter> filters, Duration ago, int keep, boolean untagged,
        boolean untaggedOnly, boolean dryRun, boolean includeLocked, int concurrency) {

    static final int MAX_CONCURRENCY = 32;

    /** Whether a command line is a purge (and should be parsed as one rather than run as an image). */
    public static boolean isPurge(String commandLine) {
        List<String> words = Words.split(commandLine);
        return words.size() >= 2 && words.get(0).equals("acr") && words.get(1).equals("purge");
    }

    /** @throws IllegalArgumentException naming the flag */
    public static PurgeCommand parse(String commandLine, int defaultConcurrency) {
        List<String> words = Words.split(commandLine);
        if (!isPurge(commandLine)) {
            throw new IllegalArgumentException("not an acr purge command: " + commandLine);
        }
        String registry = null;
        List<PurgeFilter> filters = new ArrayList<>();
        Duration ago = null;
        int keep = 0;
        boolean untagged = false;
        boolean untaggedOnly = false;
        boolean dryRun = false;
        boolean includeLocked = false;
        int concurrency = defaultConcurrency;
        Flags flags = new Flags(words, 2);
        while (flags.hasNext()) {
            String flag = flags.next();
            switch (flag) {
                case "-r", "--registry" -> registry = flags.value();
                case "-f", "--filter" -> filters.add(PurgeFilter.parse(flags.value()));
                case "--ago" -> ago = Ago.parse(flags.value());
                case "--keep" -> keep = number(flags.value(), flag);
                case "--concurrency" -> {
                    int given = number(flags.value(), flag);
                    concurrency = given <= 0 ? defaultConcurrency : Math.min(given, MAX_CONCURRENCY);
                }
                case "--untagged" -> untagged = true;
                case "--untagged-only" -> untaggedOnly = true;
                case "--dry-run" -> dryRun = true;
                case "--include-locked" -> includeLocked = true;
                default -> throw new IllegalArgumentException("acr purge has no flag " + flags.word());
            }
        }
        if (untagged && untaggedOnly) {
            throw new IllegalArgumentException("--untagged and --untagged-only cannot be used together");
        }
        if (!untaggedOnly && filters.isEmpty()) {
            throw new IllegalArgumentException("--filter is required (or --untagged-only)");
        }
        if (!untaggedOnly && ago == null) {
            throw new IllegalArgumentException("--ago is required (or --untagged-only)");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("--keep is 0 or more");
        }
        return new PurgeCommand(registry, List.copyOf(filters), ago, keep, untagged, untaggedOnly, dryRun,
                includeLocked, Math.max(1, Math.min(concurrency, MAX_CONCURRENCY)));
    }

    private static int number(String text, String flag) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " is a whole number, got " + text);
        }
    }
}
