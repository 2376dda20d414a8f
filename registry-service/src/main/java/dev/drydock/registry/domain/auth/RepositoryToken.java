package dev.drydock.registry.domain.auth;

import java.time.Instant;

/**
 * A repository token: its immutable id (a new token of an old name is another token), scope map, status and two
 * password hashes (null when absent) with their expiries and generations.
 */
public record RepositoryToken(long id, String name, String scopeMap, boolean enabled, String password1,
        Instant password1Expiry, int password1Generation, String password2, Instant password2Expiry,
        int password2Generation) {

    /** Whether password {@code n} (1 or 2) exists and has not expired at {@code now}. */
    public boolean passwordValid(int n, Instant now) {
        String hash = n == 1 ? password1 : password2;
        Instant expiry = n == 1 ? password1Expiry : password2Expiry;
        return hash != null && (expiry == null || expiry.isAfter(now));
    }

    public String passwordHash(int n) {
        return n == 1 ? password1 : password2;
    }

    public CredentialRef ref(int n) {
        return CredentialRef.token(id, n, n == 1 ? password1Generation : password2Generation);
    }

    @Override
    public String toString() {
        return "RepositoryToken[" + name + ", " + scopeMap + ", " + (enabled ? "enabled" : "disabled") + "]";
    }
}
