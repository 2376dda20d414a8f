package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.PasswordHash;
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
 * once a minute; a failure is never cached, and is counted by the {@link LoginThrottle}.
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
    private final LiveCredentials live;
    private final LoginThrottle throttle;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    Authenticator(Credentials credentials, RegistryConfig config, TokenService tokens,
            AdministratorCredential administrator, LiveCredentials live, LoginThrottle throttle) {
        this.administrator = administrator;
        this.credentials = credentials;
        this.config = config.auth();
        this.tokens = tokens;
        this.live = live;
        this.throttle = throttle;
    }

    /**
     * The identity, or null when the credentials are wrong, disabled or expired. A password not remembered from a
     * recent success is counted by the {@link LoginThrottle} before it is checked, which fails with 429 while the
     * address or user name is blocked.
     *
     * @param address where the request came from
     */
    public Uni<Identity> authenticate(Registry registry, String user, String password, String address) {
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
        String counted = configured(user) ? null : user;
        return throttle.admit(address, registry.id(), counted)
                .chain(() -> check(registry, user, password))
                .call(identity -> identity == null ? Uni.createFrom().voidItem()
                        : throttle.succeeded(address, registry.id(), counted))
                .invoke(identity -> {
                    if (identity != null) {
                        remember(key, identity);
                    }
                });
    }

    /**
     * Whether these are the bootstrap administrator's credentials (the management API's only identity), counted by
     * the throttle like any other sign-in.
     */
    public Uni<Boolean> isAdministrator(String user, String password, String address) {
        String key = key(-1, user, password);
        Remembered r = remembered.get(key);
        if (r != null && r.expiresAt() > System.nanoTime()) {
            return Uni.createFrom().item(true);
        }
        return throttle.admit(address, null, null).map(v -> administrator.matches(user, password))
                .call(ok -> ok ? throttle.succeeded(address, null, null) : Uni.createFrom().voidItem())
                .invoke(ok -> {
                    if (ok) {
                        remember(key, management(user));
                    }
                });
    }

    /** Whether these are the replication identity's credentials (the sites API's only identity), throttled alike. */
    public Uni<Boolean> isReplicator(String user, String password, String address) {
        String secret = config.services().get(RegistryConfig.Auth.REPLICATOR);
        if (secret == null || !user.equals(RegistryConfig.Auth.REPLICATOR)) {
            return Uni.createFrom().item(false);
        }
        return throttle.admit(address, null, null).map(v -> PasswordHash.constantTimeEquals(secret, password))
                .call(ok -> ok ? throttle.succeeded(address, null, null) : Uni.createFrom().voidItem());
    }

    /** The anonymous identity where the registry's SKU and setting allow anonymous pull, else null. */
    public Uni<Identity> anonymous(Registry registry) {
        return Uni.createFrom().item(registry.sku().allowsAnonymousPull() && registry.anonymousPullEnabled()
                ? Identity.anonymous(registry.id()) : null);
    }

    /** Forgets remembered checks, after a password or token change on this replica. */
    public void forgetAll() {
        remembered.clear();
        live.forgetAll();
    }

    private void remember(String key, Identity identity) {
        if (remembered.size() > 10_000) {
            remembered.clear();
        }
        remembered.put(key, new Remembered(identity, System.nanoTime() + config.credentialCache().toNanos()));
    }

    /** The administrator and the services: secrets from configuration, compared without a slow hash. */
    private boolean configured(String user) {
        return user.equals(config.managementUser()) || config.services().containsKey(user);
    }

    /** The administrator, for work the service does on its behalf (an import from another of its registries). */
    public Identity administrator() {
        return management(config.managementUser());
    }

    private Identity management(String user) {
        return new Identity(user, Identity.Kind.MANAGEMENT, null, null,
                live.configured(Identity.Kind.MANAGEMENT, user));
    }

    private Uni<Identity> check(Registry registry, String user, String password) {
        if (user.equals(config.managementUser())) {
            return Uni.createFrom().item(administrator.matches(user, password) ? management(user) : null);
        }
        String service = config.services().get(user);
        if (service != null && !service.isBlank()) {
            return Uni.createFrom().item(PasswordHash.constantTimeEquals(service, password)
                    ? new Identity(user, Identity.Kind.SERVICE, null, null,
                    live.configured(Identity.Kind.SERVICE, user)) : null);
        }
        if (user.equalsIgnoreCase(registry.name())) {
            return credentials.adminUser(registry.id()).chain(admin -> Blocking.run(() -> {
                if (admin == null || !admin.enabled()) {
                    return null;
                }
                for (int n = 1; n <= 2; n++) {
                    if (PasswordHash.matches(password, admin.passwordHash(n))) {
                        return Identity.adminUser(registry.name(), registry.id(), admin.ref(n));
                    }
                }
                return null;
            }));
        }
        return credentials.token(registry.id(), user).chain(token -> {
            if (token == null || !token.enabled()) {
                return Uni.createFrom().nullItem();
            }
            Instant now = Instant.now();
            return Blocking.run(() -> {
                for (int n = 1; n <= 2; n++) {
                    if (token.passwordValid(n, now) && PasswordHash.matches(password, token.passwordHash(n))) {
                        return n;
                    }
                }
                return 0;
            }).chain(n -> n > 0 ? live.tokenIdentity(registry, token, n) : Uni.createFrom().nullItem());
        });
    }

    /**
     * Whoever a refresh token was issued to, if the credential it was derived from still stands: deleting,
     * disabling, regenerating or the expiry of that credential ends its refresh tokens.
     */
    private Uni<Identity> refreshIdentity(Registry registry, String refreshToken) {
        return tokens.refreshHolder(registry, refreshToken).chain(holder -> holder.isEmpty()
                ? Uni.createFrom().nullItem()
                : live.current(registry, holder.get().kind(), holder.get().subject(), holder.get().credential()));
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
