package dev.drydock.registry.domain.auth;

import java.util.List;

/**
 * What a verified access token grants: its subject and the resource scopes of its {@code access} claim.
 */
public record Access(String subject, List<ResourceScope> granted) {

    public Access {
        granted = List.copyOf(granted);
    }

    public boolean allows(String repository, Action action) {
        return granted.stream().anyMatch(g -> ResourceScope.REPOSITORY.equals(g.type())
                && g.name().equals(repository) && (g.actions().contains(action.wire()) || g.actions().contains("*")));
    }

    public boolean allowsCatalog() {
        return granted.stream().anyMatch(ResourceScope::isCatalog);
    }
}
