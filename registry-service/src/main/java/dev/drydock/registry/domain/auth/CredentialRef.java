package dev.drydock.registry.domain.auth;

/**
 * What a token was derived from, by identity rather than by name: the credential ({@code admin}, {@code token:<id>}
 * or {@code config:<user>}), which of its two passwords was presented (0 for a configured secret) and that
 * password's generation (a counter bumped by every regeneration, deletion or disabling; for a configured secret a
 * fingerprint of it). A token whose reference no longer matches the stored credential is dead.
 */
public record CredentialRef(String id, int password, String generation) {

    public static final String ADMIN = "admin";

    public static CredentialRef admin(int password, int generation) {
        return new CredentialRef(ADMIN, password, Integer.toString(generation));
    }

    public static CredentialRef token(long tokenId, int password, int generation) {
        return new CredentialRef("token:" + tokenId, password, Integer.toString(generation));
    }

    public static CredentialRef configured(String user, String fingerprint) {
        return new CredentialRef("config:" + user, 0, fingerprint);
    }
}
