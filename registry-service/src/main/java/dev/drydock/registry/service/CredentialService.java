package dev.drydock.registry.service;

import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.PasswordHash;
import dev.drydock.registry.domain.auth.RepositoryToken;
import dev.drydock.registry.domain.auth.ScopeMap;
import dev.drydock.registry.persistence.Credentials;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin user, anonymous pull, scope maps and repository tokens. New passwords are generated here and returned
 * once; only their hashes are stored, and neither value nor hash is ever logged or shown again.
 */
@ApplicationScoped
public class CredentialService {

    private static final Logger LOG = Logger.getLogger(CredentialService.class);
    private static final Pattern TOKEN_NAME = Pattern.compile("[a-zA-Z0-9-]{5,50}");

    /** A password shown once: its name (password, password2, password1) and value. */
    public record NewPassword(String name, String value, Instant expiry) {
    }

    private final RegistryService registries;
    private final Credentials credentials;
    private final Authenticator authenticator;

    CredentialService(RegistryService registries, Credentials credentials, Authenticator authenticator) {
        this.registries = registries;
        this.credentials = credentials;
        this.authenticator = authenticator;
    }

    /** az acr credential renew: a new value for password or password2 of the admin user. */
    public Uni<NewPassword> regenerateAdminPassword(String registryName, String which) {
        int n = switch (which == null ? "" : which) {
            case "password" -> 1;
            case "password2" -> 2;
            default -> throw Refusal.invalid("name is password or password2");
        };
        String value = PasswordHash.generate();
        return registries.configurable(registryName)
                .call(registry -> Blocking.run(() -> PasswordHash.hash(value))
                        .chain(hash -> credentials.setAdminPassword(registry.id(), n, hash)))
                .invoke(registry -> {
                    authenticator.forgetAll();
                    LOG.infof("registry %s: admin %s regenerated", registry.name(), which);
                })
                .replaceWith(new NewPassword(which, value, null));
    }

    public Uni<ScopeMap> saveScopeMap(String registryName, String name, String description, List<String> actions,
            boolean create) {
        if (name == null || !TOKEN_NAME.matcher(name).matches()) {
            throw Refusal.invalid("scope map names are 5 to 50 letters, digits and dashes");
        }
        if (name.startsWith("_")) {
            throw Refusal.invalid("names starting with _ are the system's");
        }
        if (description != null && description.length() > 256) {
            throw Refusal.invalid("a description has at most 256 characters");
        }
        ScopeMap map;
        try {
            map = new ScopeMap(name, description, rules(actions));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        return registries.configurable(registryName).call(registry -> credentials.scopeMap(registry.id(), name)
                        .chain(existing -> {
                            if (create && existing != null) {
                                throw new Refusal(Refusal.Kind.CONFLICT, "scope map " + name + " exists already");
                            }
                            if (!create && existing == null) {
                                throw Refusal.notFound("scope map " + name);
                            }
                            return credentials.saveScopeMap(registry.id(), map);
                        }))
                .invoke(() -> authenticator.forgetAll()).replaceWith(map);
    }

    /** ACR's action strings: {@code repositories/<repository or pattern>/content/read}. */
    static Map<String, Set<Action>> rules(List<String> actions) {
        if (actions == null || actions.isEmpty()) {
            throw new IllegalArgumentException("a scope map needs actions such as repositories/app/content/read");
        }
        Map<String, Set<Action>> rules = new LinkedHashMap<>();
        for (String a : actions) {
            int last = a.lastIndexOf('/');
            int second = last > 0 ? a.lastIndexOf('/', last - 1) : -1;
            if (!a.startsWith("repositories/") || second <= "repositories".length()) {
                throw new IllegalArgumentException("an action is repositories/<repository>/<content|metadata>/<verb>, "
                        + "not '" + a + "'");
            }
            String pattern = a.substring("repositories/".length(), second);
            Action action = Action.fromScopeMap(a.substring(second + 1)).orElseThrow(() ->
                    new IllegalArgumentException("unknown action '" + a.substring(second + 1) + "' in " + a));
            rules.computeIfAbsent(pattern, p -> EnumSet.noneOf(Action.class)).add(action);
        }
        return rules;
    }

    public Uni<List<ScopeMap>> scopeMaps(String registryName) {
        return registries.get(registryName).chain(registry -> credentials.scopeMaps(registry.id()));
    }

    public Uni<ScopeMap> scopeMap(String registryName, String name) {
        return registries.get(registryName).chain(registry -> credentials.scopeMap(registry.id(), name))
                .onItem().ifNull().failWith(() -> Refusal.notFound("scope map " + name));
    }

    public Uni<Void> deleteScopeMap(String registryName, String name) {
        if (name.startsWith("_")) {
            throw new Refusal(Refusal.Kind.CONFLICT, "system scope maps cannot be deleted");
        }
        return registries.configurable(registryName).chain(registry -> credentials.tokensUsing(registry.id(), name)
                .chain(users -> {
                    if (users > 0) {
                        throw new Refusal(Refusal.Kind.CONFLICT, users + " tokens use scope map " + name);
                    }
                    return credentials.deleteScopeMap(registry.id(), name);
                })).invoke(deleted -> {
                    if (!deleted) {
                        throw Refusal.notFound("scope map " + name);
                    }
                }).replaceWithVoid();
    }

    /** Creates a token with both passwords, returned once. */
    public Uni<List<NewPassword>> createToken(String registryName, String name, String scopeMap, boolean enabled) {
        if (name == null || !TOKEN_NAME.matcher(name).matches()) {
            throw Refusal.invalid("token names are 5 to 50 letters, digits and dashes");
        }
        return registries.configurable(registryName).chain(registry -> requireScopeMap(registry, scopeMap)
                .chain(() -> credentials.createToken(registry.id(), name, scopeMap, enabled))
                .chain(created -> {
                    if (!created) {
                        throw new Refusal(Refusal.Kind.CONFLICT, "token " + name + " exists already");
                    }
                    return setPassword(registry, name, 1, null).chain(p1 -> setPassword(registry, name, 2, null)
                            .map(p2 -> List.of(p1, p2)));
                })
                .invoke(() -> LOG.infof("registry %s: token %s created with scope map %s", registry.name(), name,
                        scopeMap)));
    }

    public Uni<Void> updateToken(String registryName, String name, String scopeMap, Boolean enabled) {
        return registries.configurable(registryName).chain(registry -> credentials.token(registry.id(), name).chain(token -> {
            if (token == null) {
                throw Refusal.notFound("token " + name);
            }
            String map = scopeMap == null ? token.scopeMap() : scopeMap;
            return requireScopeMap(registry, map).chain(() -> credentials.updateToken(registry.id(), name, map,
                    enabled == null ? token.enabled() : enabled));
        })).invoke(() -> authenticator.forgetAll()).replaceWithVoid();
    }

    /** A new value for password1 or password2 of the token, with an optional expiry; returned once. */
    public Uni<NewPassword> regenerateTokenPassword(String registryName, String name, String which, Instant expiry) {
        int n = passwordNumber(which);
        return registries.configurable(registryName).chain(registry -> credentials.token(registry.id(), name).chain(token -> {
            if (token == null) {
                throw Refusal.notFound("token " + name);
            }
            return setPassword(registry, name, n, expiry);
        })).invoke(() -> authenticator.forgetAll());
    }

    public Uni<Void> deleteTokenPassword(String registryName, String name, String which) {
        int n = passwordNumber(which);
        return registries.configurable(registryName).chain(registry -> credentials.setTokenPassword(registry.id(), name, n,
                null, null)).invoke(updated -> {
                    if (!updated) {
                        throw Refusal.notFound("token " + name);
                    }
                    authenticator.forgetAll();
                }).replaceWithVoid();
    }

    public Uni<List<RepositoryToken>> tokens(String registryName) {
        return registries.get(registryName).chain(registry -> credentials.tokens(registry.id()));
    }

    public Uni<RepositoryToken> token(String registryName, String name) {
        return registries.get(registryName).chain(registry -> credentials.token(registry.id(), name))
                .onItem().ifNull().failWith(() -> Refusal.notFound("token " + name));
    }

    public Uni<Void> deleteToken(String registryName, String name) {
        return registries.configurable(registryName).chain(registry -> credentials.deleteToken(registry.id(), name))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw Refusal.notFound("token " + name);
                    }
                    authenticator.forgetAll();
                }).replaceWithVoid();
    }

    private Uni<Void> requireScopeMap(Registry registry, String scopeMap) {
        if (scopeMap == null) {
            throw Refusal.invalid("a token needs a scopeMap");
        }
        return credentials.scopeMap(registry.id(), scopeMap).invoke(map -> {
            if (map == null) {
                throw Refusal.invalid("scope map " + scopeMap + " does not exist");
            }
        }).replaceWithVoid();
    }

    private Uni<NewPassword> setPassword(Registry registry, String token, int n, Instant expiry) {
        String value = PasswordHash.generate();
        return Blocking.run(() -> PasswordHash.hash(value))
                .chain(hash -> credentials.setTokenPassword(registry.id(), token, n, hash, expiry))
                .replaceWith(new NewPassword("password" + n, value, expiry));
    }

    private static int passwordNumber(String which) {
        return switch (which == null ? "" : which) {
            case "password1" -> 1;
            case "password2" -> 2;
            default -> throw Refusal.invalid("name is password1 or password2");
        };
    }
}
