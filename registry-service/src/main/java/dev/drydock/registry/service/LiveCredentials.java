package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.auth.CredentialRef;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.RepositoryToken;
import dev.drydock.registry.persistence.Credentials;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the credential a token was derived from still stands: the same registry (by id), the same admin user or
 * token (by id), enabled, and the presented password neither regenerated, deleted nor expired since. Refresh tokens
 * are checked against the database each time; access tokens against a view of it at most {@link #TTL} old (a
 * change made through this replica is seen at once), which keeps the check off the database on the hot path.
 */
@ApplicationScoped
public class LiveCredentials {

    static final Duration TTL = Duration.ofSeconds(10);

    /** The passwords of one credential that stand, with their expiries (Instant.MAX: none). */
    private record Standing(Map<CredentialRef, Instant> refs, long until) {
    }

    private final Credentials credentials;
    private final RegistryConfig.Auth config;
    private final AdministratorCredential administrator;
    private final Map<String, Standing> cache = new ConcurrentHashMap<>();

    LiveCredentials(Credentials credentials, RegistryConfig config, AdministratorCredential administrator) {
        this.credentials = credentials;
        this.config = config.auth();
        this.administrator = administrator;
    }

    /** The reference tokens of a configured identity (administrator, service) carry; null when it has no secret. */
    public CredentialRef configured(Identity.Kind kind, String user) {
        if (kind == Identity.Kind.MANAGEMENT) {
            return user.equals(config.managementUser()) ? CredentialRef.configured(user, administrator.fingerprint())
                    : null;
        }
        String secret = config.services().get(user);
        return secret == null || secret.isBlank() ? null : CredentialRef.configured(user, SecretFingerprint.of(secret));
    }

    /** Whether an access token's credential still stands (a view at most {@link #TTL} old). */
    public Uni<Boolean> stands(Registry registry, Identity.Kind kind, String subject, CredentialRef ref) {
        return switch (kind) {
            case ANONYMOUS -> Uni.createFrom().item(registry.sku().allowsAnonymousPull()
                    && registry.anonymousPullEnabled());
            case MANAGEMENT, SERVICE -> Uni.createFrom().item(ref != null && ref.equals(configured(kind, subject)));
            case ADMIN_USER, TOKEN -> {
                if (ref == null) {
                    yield Uni.createFrom().item(false);
                }
                String key = registry.id() + "\0" + kind + "\0" + subject;
                Standing cached = cache.get(key);
                Uni<Standing> standing = cached != null && cached.until() > System.nanoTime()
                        ? Uni.createFrom().item(cached) : load(registry, kind, subject).invoke(s -> {
                            if (cache.size() > 10_000) {
                                cache.clear();
                            }
                            cache.put(key, s);
                        });
                yield standing.map(s -> {
                    Instant expiry = s.refs().get(ref);
                    return expiry != null && expiry.isAfter(Instant.now());
                });
            }
        };
    }

    /**
     * Who a refresh token stands for now, read from the database: null when its credential was deleted, disabled,
     * regenerated or has expired, or its registry is another one of the same name.
     */
    public Uni<Identity> current(Registry registry, Identity.Kind kind, String subject, CredentialRef ref) {
        if (ref == null) {
            return Uni.createFrom().nullItem();
        }
        return switch (kind) {
            case MANAGEMENT, SERVICE -> Uni.createFrom().item(ref.equals(configured(kind, subject))
                    ? new Identity(subject, kind, null, null, ref) : null);
            case ADMIN_USER -> credentials.adminUser(registry.id()).map(admin -> admin != null && admin.enabled()
                    && standing(ref, admin.passwordHash(ref.password()), admin.ref(ref.password()))
                    ? Identity.adminUser(registry.name(), registry.id(), ref) : null);
            case TOKEN -> credentials.token(registry.id(), subject).chain(token -> token != null && token.enabled()
                    && ref.password() >= 1 && ref.password() <= 2 && token.passwordValid(ref.password(), Instant.now())
                    && ref.equals(token.ref(ref.password()))
                    ? tokenIdentity(registry, token, ref.password()) : Uni.createFrom().nullItem());
            case ANONYMOUS -> Uni.createFrom().nullItem();
        };
    }

    /** A token's identity, having presented password {@code n}, with its scope map; null when the map has gone. */
    public Uni<Identity> tokenIdentity(Registry registry, RepositoryToken token, int n) {
        return credentials.scopeMap(registry.id(), token.scopeMap()).map(map -> map == null ? null
                : new Identity(token.name(), Identity.Kind.TOKEN, registry.id(), map, token.ref(n)));
    }

    /** Forgets the cached view after a credential change made through this replica. */
    public void forgetAll() {
        cache.clear();
    }

    private static boolean standing(CredentialRef presented, String hash, CredentialRef current) {
        return presented.password() >= 1 && presented.password() <= 2 && hash != null && presented.equals(current);
    }

    private Uni<Standing> load(Registry registry, Identity.Kind kind, String subject) {
        long until = System.nanoTime() + TTL.toNanos();
        if (kind == Identity.Kind.ADMIN_USER) {
            return credentials.adminUser(registry.id()).map(admin -> {
                Map<CredentialRef, Instant> refs = new HashMap<>();
                for (int n = 1; admin != null && admin.enabled() && n <= 2; n++) {
                    if (admin.passwordHash(n) != null) {
                        refs.put(admin.ref(n), Instant.MAX);
                    }
                }
                return new Standing(refs, until);
            });
        }
        return credentials.token(registry.id(), subject).map(token -> {
            Map<CredentialRef, Instant> refs = new HashMap<>();
            for (int n = 1; token != null && token.enabled() && n <= 2; n++) {
                if (token.passwordHash(n) != null) {
                    Instant expiry = n == 1 ? token.password1Expiry() : token.password2Expiry();
                    refs.put(token.ref(n), expiry == null ? Instant.MAX : expiry);
                }
            }
            return new Standing(refs, until);
        });
    }
}
