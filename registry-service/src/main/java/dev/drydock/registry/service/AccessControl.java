package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.Access;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.BasicCredentials;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.ResourceScope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a data-plane request may go on: a Bearer access token whose {@code access} claim covers the
 * actions, Basic credentials of an identity that may do them, or no credential where the registry allows
 * anonymous pull. Otherwise 401 with the challenge that tells the client where to get a token and for which scope
 * ({@code error="invalid_token"} or {@code "insufficient_scope"} when a token was presented). An allowed request
 * is then counted against its identity's rate limit.
 */
@ApplicationScoped
public class AccessControl {

    /** What a request needs: the resource scopes (repository actions, or the catalog). */
    public record Needed(List<ResourceScope> scopes) {
        public static Needed repository(String name, Action... actions) {
            return new Needed(List.of(ResourceScope.repository(name, actions)));
        }

        public static Needed catalog() {
            return new Needed(List.of(ResourceScope.catalog()));
        }

        /** Any valid credential (the /v2/ base endpoint). */
        public static Needed authenticated() {
            return new Needed(List.of());
        }

        public Needed and(Needed other) {
            List<ResourceScope> all = new ArrayList<>(scopes);
            all.addAll(other.scopes());
            return new Needed(all);
        }
    }

    private final RegistryConfig.Auth config;
    private final TokenService tokens;
    private final Authenticator authenticator;
    private final RateLimiter limiter;

    AccessControl(RegistryConfig config, TokenService tokens, Authenticator authenticator, RateLimiter limiter) {
        this.limiter = limiter;
        this.config = config.auth();
        this.tokens = tokens;
        this.authenticator = authenticator;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * @param realm the token endpoint URL for the challenge
     * @return the subject the request acts as ("anonymous" without credentials)
     */
    public Uni<String> check(Registry registry, String realm, HttpServerRequest request, Needed needed) {
        if (!config.enabled()) {
            return Uni.createFrom().item("anonymous");
        }
        return authorize(registry, realm, request.getHeader("Authorization"), SourceAddress.of(request), needed)
                .invoke(subject -> limiter.acquire(registry, subject, RateLimiter.categoryOf(request.method().name())));
    }

    private Uni<String> authorize(Registry registry, String realm, String authorization, String address,
            Needed needed) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.access(registry, authorization.substring(7).strip()).map(access -> {
                if (access.isEmpty()) {
                    throw challenge(registry, realm, needed, "invalid_token", "the token is invalid or expired");
                }
                if (!covers(access.get(), needed)) {
                    throw challenge(registry, realm, needed, "insufficient_scope",
                            "the token does not grant " + describe(needed));
                }
                return access.get().subject();
            });
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<BasicCredentials> basic = BasicCredentials.fromHeader(authorization);
            if (basic.isEmpty()) {
                return Uni.createFrom().failure(challenge(registry, realm, needed, null, "malformed credentials"));
            }
            return authenticator.authenticate(registry, basic.get().user(), basic.get().password(), address)
                    .map(identity -> {
                        if (identity == null) {
                            throw challenge(registry, realm, needed, null, "authentication required");
                        }
                        if (!allows(identity, registry, needed)) {
                            throw new RegistryException(ErrorCode.DENIED, identity.subject() + " may not "
                                    + describe(needed), null);
                        }
                        return identity.subject();
                    });
        }
        boolean pullOnly = !needed.scopes().isEmpty() && needed.scopes().stream().allMatch(s ->
                !s.isCatalog() && s.actions().equals(Set.of(Action.PULL.wire())));
        if (!pullOnly || !registry.sku().allowsAnonymousPull() || !registry.anonymousPullEnabled()) {
            return Uni.createFrom().failure(challenge(registry, realm, needed, null, "authentication required"));
        }
        return Uni.createFrom().item("anonymous");
    }

    private static boolean covers(Access access, Needed needed) {
        for (ResourceScope scope : needed.scopes()) {
            if (scope.isCatalog() ? !access.allowsCatalog() : !scope.actions().stream().allMatch(a ->
                    Action.fromWire(a).map(action -> access.allows(scope.name(), action)).orElse(false))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allows(Identity identity, Registry registry, Needed needed) {
        for (ResourceScope scope : needed.scopes()) {
            boolean ok = scope.isCatalog() ? identity.mayListCatalog(registry.id())
                    : scope.actions().stream().allMatch(a -> Action.fromWire(a)
                    .map(action -> identity.actionsOn(registry.id(), scope.name()).contains(action)).orElse(false));
            if (!ok) {
                return false;
            }
        }
        return identity.registryId() == null || identity.registryId() == registry.id();
    }

    private static RegistryException challenge(Registry registry, String realm, Needed needed, String error,
            String message) {
        StringBuilder header = new StringBuilder("Bearer realm=\"").append(realm).append("\",service=\"")
                .append(registry.loginServer()).append('"');
        if (!needed.scopes().isEmpty()) {
            header.append(",scope=\"").append(String.join(" ", needed.scopes().stream()
                    .map(ResourceScope::toString).toList())).append('"');
        }
        if (error != null) {
            header.append(",error=\"").append(error).append('"');
        }
        List<Map<String, String>> detail = new ArrayList<>();
        for (ResourceScope s : needed.scopes()) {
            detail.add(Map.of("Type", s.type(), "Name", s.name(), "Action", String.join(",", s.actions())));
        }
        return new RegistryException(ErrorCode.UNAUTHORIZED, message, detail.isEmpty() ? null : detail,
                Map.of("WWW-Authenticate", header.toString()));
    }

    private static String describe(Needed needed) {
        return needed.scopes().isEmpty() ? "access" : String.join(" ", needed.scopes().stream()
                .map(ResourceScope::toString).toList());
    }
}
