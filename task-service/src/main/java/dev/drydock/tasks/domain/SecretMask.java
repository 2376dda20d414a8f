package dev.drydock.tasks.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces secret values (secret build arguments, --set-secret values, registry passwords) with {@code ***} in run
 * log lines before they are stored or streamed. Lines are masked whole, so a secret is never split between two
 * writes; longer secrets are masked first, so one that contains another is not half shown.
 */
public final class SecretMask {

    static final String MASK = "***";
    /** Shorter values would mask ordinary text everywhere, so the run API must refuse them as secrets. */
    static final int MIN_LENGTH = 4;

    private final List<String> secrets;

    public SecretMask(List<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= MIN_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String apply(String line) {
        String masked = line;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }
}
