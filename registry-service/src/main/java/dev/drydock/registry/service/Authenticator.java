package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.PasswordHash;
import dev.drydock.registry.domain.auth.RepositoryToken;
import dev.drydock.registry.persistence.Credentials;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a user name and password into an identity of a registry: the bootstrap administrator, a service, the
 * registry's admin user (either password), a repository token (either unexpired password), or, with the null GUID
 * as user name, whoever a refresh token was issued to. Successful checks are remembered briefly (keyed by a hash of
 * registry, user and password), so a client that sends credentials with every token request pays the slow hash
 * once a minute; a failure is never cached.
 */
@ApplicationScoped
public class Authenticator {

    /** The user name that means "the password is a refresh token" (ACR, Docker). */
    public static final String REFRESH_TOKEN_USER = "00000000-0000-0000-0000-000000000000";

    private record Remembered(Identity identity, long expiresAt) {
    }

    private final Credentials credentials;
    private final AdministratorCredential administrator;
    private final RegistryConfig.Auth config;
    private final TokenService tokens;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    Authenticator(Credentials credentials, RegistryConfig config, TokenService tokens,
            AdministratorCredential administrator) {
        this.administrator = administrator;
        this.credentials = credentials;
        this.config = config.auth();
        this.tokens = tokens;
    }

    /** The identity, or null when the credentials are wrong, disabled or expired. */
    public Uni<Identity> authenticate(Registry registry, String user, String password) {
        if (user == null || password == null) {
            return Uni.createFrom().nullItem();
        }
        if (user.isEmpty() || user.equals(REFRESH_TOKEN_USER)) {
            return refreshIdentity(registry, password);
        }
        String key = key(registry.id(), user, password);
        Remembered r = remembered.get(key);
        if (r != null && r.expiresAt() > System.nanoTime()) {
            return Uni.createFrom().item(r.identity());
        }
        return check(registry, user, password).invoke(identity -> {
            if (identity != null) {
                if (remembered.size() > 10_000) {
                    remembered.clear();
                }
                remembered.put(key, new Remembered(identity, System.nanoTime() + config.credentialCache().toNanos()));
            }
        });
    }

    /** Whether these are the bootstrap administrator's credentials (the management API's only identity). */
    public boolean isAdministrator(String user, String password) {
        return administrator.matches(user, password);
    }

    /** The anonymous identity where the registry's SKU and setting allow anonymous pull, else null. */
    public Uni<Identity> anonymous(Registry registry) {
        return Uni.createFrom().item(registry.sku().allowsAnonymousPull() && registry.anonymousPullEnabled()
                ? Identity.anonymous(registry.id()) : null);
    }

    /** Forgets remembered checks, after a password or token change on this replica. */
    public void forgetAll() {
        remembered.clear();
    }

    private Uni<Identity> check(Registry registry, String user, String password) {
        if (user.equals(config.managementUser())) {
            return Uni.createFrom().item(isAdministrator(user, password)
                    ? new Identity(user, Identity.Kind.MANAGEMENT, null, null) : null);
        }
        String service = config.services().get(user);
        if (service != null && !service.isBlank()) {
            return Uni.createFrom().item(PasswordHash.constantTimeEquals(service, password)
                    ? new Identity(user, Identity.Kind.SERVICE, null, null) : null);
        }
        if (user.equalsIgnoreCase(registry.name())) {
            return credentials.adminUser(registry.id()).chain(admin -> Blocking.run(() ->
                    admin != null && admin.enabled() && (PasswordHash.matches(password, admin.password1())
                            || PasswordHash.matches(password, admin.password2()))
                            ? adminIdentity(registry) : null));
        }
        return credentials.token(registry.id(), user).chain(token -> {
            if (token == null || !token.enabled()) {
                return Uni.createFrom().nullItem();
            }
            Instant now = Instant.now();
            return Blocking.run(() -> (valid(token.password1Expiry(), now) && PasswordHash.matches(password,
                    token.password1())) || (valid(token.password2Expiry(), now) && PasswordHash.matches(password,
                    token.password2())))
                    .chain(ok -> ok ? tokenIdentity(registry, token) : Uni.createFrom().nullItem());
        });
    }

    /**
     * Whoever a refresh token was issued to, if the identity still exists and is enabled: disabling an admin user
     * or a token ends its refresh tokens too.
     */
    private Uni<Identity> refreshIdentity(Registry registry, String refreshToken) {
        return tokens.refreshHolder(registry, refreshToken).chain(holder -> {
            if (holder.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            String subject = holder.get().subject();
            return switch (holder.get().kind()) {
                case MANAGEMENT -> Uni.createFrom().item(subject.equals(config.managementUser())
                        ? new Identity(subject, Identity.Kind.MANAGEMENT, null, null) : null);
                case SERVICE -> Uni.createFrom().item(!config.services().getOrDefault(subject, "").isBlank()
                        ? new Identity(subject, Identity.Kind.SERVICE, null, null) : null);
                case ADMIN_USER -> credentials.adminUser(registry.id())
                        .map(admin -> admin != null && admin.enabled() ? adminIdentity(registry) : null);
                case TOKEN -> credentials.token(registry.id(), subject).chain(token -> token == null
                        || !token.enabled() ? Uni.createFrom().nullItem() : tokenIdentity(registry, token));
                case ANONYMOUS -> Uni.createFrom().nullItem();
            };
        });
    }

    private static Identity adminIdentity(Registry registry) {
        return new Identity(registry.name(), Identity.Kind.ADMIN_USER, registry.id(), null);
    }

    /** A token's identity with its scope map; null when the map has gone. */
    private Uni<Identity> tokenIdentity(Registry registry, RepositoryToken token) {
        return credentials.scopeMap(registry.id(), token.scopeMap()).map(map -> map == null ? null
                : new Identity(token.name(), Identity.Kind.TOKEN, registry.id(), map));
    }

    private static boolean valid(Instant expiry, Instant now) {
        return expiry == null || expiry.isAfter(now);
    }

    private static String key(long registryId, String user, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((registryId + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
