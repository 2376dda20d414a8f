package dev.drydock.oci;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec's grammar allows it: lower-case components separated by single
 * {@code .}, {@code _}, {@code __} or dashes, joined by {@code /}. Nothing else gets through, so a name can never
 * carry {@code ..}, an absolute path or an empty component.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {

    /** Clients cap {@code host[:port]/name} at 255 characters; the name alone may not be longer. */
    public static final int MAX_LENGTH = 255;

    private static final Pattern GRAMMAR =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    public RepositoryName {
        if (!isValid(value)) {
            throw new InvalidNameException("invalid repository name: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && GRAMMAR.matcher(value).matches();
    }

    public static RepositoryName of(String value) {
        return new RepositoryName(value);
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
