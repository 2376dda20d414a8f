package dev.drydock.registry.domain.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One resource scope of a token request or an access claim: {@code repository:<name>:<actions>} or
 * {@code registry:catalog:*}. A name may carry a host with a port, so the text splits at its first and last colon.
 *
 * @param actions as written: pull, push, delete, metadata_read, metadata_write or *
 */
public record ResourceScope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";

    public ResourceScope {
        actions = Set.copyOf(actions);
    }

    public static ResourceScope repository(String name, Action... actions) {
        Set<String> wire = new LinkedHashSet<>();
        for (Action a : actions) {
            wire.add(a.wire());
        }
        return new ResourceScope(REPOSITORY, name, wire);
    }

    public static ResourceScope catalog() {
        return new ResourceScope(REGISTRY, CATALOG, Set.of("*"));
    }

    /** Parses one resource scope; null for text that is not one (clients send odd scopes; they are ignored). */
    public static ResourceScope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first || last == text.length() - 1) {
            return null;
        }
        String type = text.substring(0, first);
        int paren = type.indexOf('(');
        if (paren > 0) {
            type = type.substring(0, paren);
        }
        Set<String> actions = new LinkedHashSet<>(List.of(text.substring(last + 1).split(",")));
        actions.removeIf(String::isBlank);
        return new ResourceScope(type, text.substring(first + 1, last), actions);
    }

    /** Parses a space-separated list, as one {@code scope} parameter may hold several. */
    public static List<ResourceScope> parseAll(List<String> values) {
        List<ResourceScope> scopes = new ArrayList<>();
        for (String value : values) {
            for (String part : value.trim().split("\\s+")) {
                ResourceScope scope = part.isEmpty() ? null : parse(part);
                if (scope != null) {
                    scopes.add(scope);
                }
            }
        }
        return scopes;
    }

    public boolean isCatalog() {
        return REGISTRY.equals(type) && CATALOG.equals(name);
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions.stream().sorted().toList());
    }
}
