package dev.drydock.registry.domain.auth;

import java.time.Instant;

/** A repository token: its scope map, status and two password hashes (null when absent) with their expiries. */
public record RepositoryToken(String name, String scopeMap, boolean enabled, String password1, Instant password1Expiry,
        String password2, Instant password2Expiry) {

    @Override
    public String toString() {
        return "RepositoryToken[" + name + ", " + scopeMap + ", " + (enabled ? "enabled" : "disabled") + "]";
    }
}
