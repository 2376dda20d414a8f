package dev.drydock.registry.domain.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A scope map: repository rules granting actions, as ACR's. A rule's repository is a name, a prefix ending in
 * {@code /*}, or {@code *} for every repository; rules add up, and wildcards cover repositories not yet created.
 *
 * @param rules repository pattern to the scope-map actions it grants (content/read ...)
 */
public record ScopeMap(String name, String description, Map<String, Set<Action>> rules) {

    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    /** ACR's built-in maps. */
    public static final List<ScopeMap> SYSTEM = List.of(
            new ScopeMap("_repositories_admin", "Can perform all read, write and delete operations on the registry",
                    Map.of("*", EnumSet.allOf(Action.class))),
            new ScopeMap("_repositories_pull", "Can pull any repository of the registry",
                    Map.of("*", EnumSet.of(Action.PULL))),
            new ScopeMap("_repositories_push", "Can push to any repository of the registry",
                    Map.of("*", EnumSet.of(Action.PULL, Action.PUSH))));

    public ScopeMap {
        rules = Map.copyOf(rules);
        for (String pattern : rules.keySet()) {
            if (!validPattern(pattern)) {
                throw new IllegalArgumentException("a scope map repository is a name, name/* or *, not '" + pattern
                        + "'");
            }
        }
    }

    public static boolean validPattern(String pattern) {
        if (pattern.equals("*")) {
            return true;
        }
        String base = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        return REPOSITORY.matcher(base).matches();
    }

    /** Every action the rules grant on the repository, added up. */
    public Set<Action> actionsOn(String repository) {
        Set<Action> granted = EnumSet.noneOf(Action.class);
        rules.forEach((pattern, actions) -> {
            if (covers(pattern, repository)) {
                granted.addAll(actions);
            }
        });
        return granted;
    }

    /** Only a map whose rules cover every repository (a bare *) may list the catalog, as on ACR. */
    public boolean coversCatalog() {
        return rules.containsKey("*");
    }

    static boolean covers(String pattern, String repository) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("/*")) {
            return repository.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(repository);
    }
}
