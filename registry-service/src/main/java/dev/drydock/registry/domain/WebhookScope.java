package dev.drydock.registry.domain;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Which images a webhook hears of, in ACR's notation: {@code repo:tag}, {@code repo:*}, {@code repo} (meaning
 * {@code repo:latest}) or empty for everything; {@code *} matches any characters within either part.
 */
public final class WebhookScope {

    private final String text;
    private final Pattern repository;
    private final Pattern tag;
    private final boolean anyTag;

    private WebhookScope(String text, Pattern repository, Pattern tag, boolean anyTag) {
        this.text = text;
        this.repository = repository;
        this.tag = tag;
        this.anyTag = anyTag;
    }

    public static WebhookScope parse(String scope) {
        String s = scope == null ? "" : scope.strip();
        if (s.isEmpty()) {
            return new WebhookScope("", null, null, true);
        }
        int colon = s.indexOf(':');
        String repo = colon < 0 ? s : s.substring(0, colon);
        String tagPart = colon < 0 ? "latest" : s.substring(colon + 1);
        if (repo.isEmpty() || tagPart.isEmpty() || tagPart.contains(":") || !repo.matches("[a-z0-9._/*-]+")
                || !tagPart.matches("[A-Za-z0-9._*-]+")) {
            throw new IllegalArgumentException(
                    "a webhook scope is repository[:tag] where * matches anything, got '" + scope + "'");
        }
        return new WebhookScope(s, glob(repo), glob(tagPart), tagPart.equals("*"));
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String piece : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(piece));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Whether an event about the repository with these tags is in scope. An event without tags (an untagged
     * manifest deleted, a push by digest) is in scope only where any tag would be.
     */
    public boolean matches(String repositoryName, Collection<String> tags) {
        if (repository == null) {
            return true;
        }
        if (!repository.matcher(repositoryName).matches()) {
            return false;
        }
        if (tags.isEmpty()) {
            return anyTag;
        }
        return tags.stream().anyMatch(t -> tag.matcher(t).matches());
    }

    @Override
    public String toString() {
        return text;
    }
}
