package dev.drydock.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.auth.Access;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.CredentialRef;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.ResourceScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and reads the registry's tokens: short-lived access tokens whose {@code access} claim is what was asked
 * for intersected with what the identity may do (partial access is not an error: the registry refuses later), and
 * refresh tokens that stand for the identity itself. Both name the registry by its immutable id besides its login
 * server (a registry created under a deleted one's name is another audience) and the credential they were derived
 * from by id and generation ({@link LiveCredentials}): regenerating, deleting, disabling or expiring that credential
 * ends them.
 */
@ApplicationScoped
public class TokenService {

    static final String ISSUER = "drydock";

    /** What the token endpoint answers. */
    public record Issued(String token, long expiresIn, Instant issuedAt, String refreshToken, String scope) {
    }

    private final TokenSigner signer;
    private final RegistryConfig.Auth config;
    private final LiveCredentials live;

    TokenService(TokenSigner signer, RegistryConfig config, LiveCredentials live) {
        this.signer = signer;
        this.config = config.auth();
        this.live = live;
    }

    public Issued issue(Registry registry, Identity identity, List<ResourceScope> requested, boolean offline) {
        List<ResourceScope> granted = new ArrayList<>();
        for (ResourceScope scope : requested) {
            if (scope.isCatalog()) {
                if (identity.mayListCatalog(registry.id())) {
                    granted.add(ResourceScope.catalog());
                }
                continue;
            }
            if (!ResourceScope.REPOSITORY.equals(scope.type())) {
                continue;
            }
            Set<Action> allowed = identity.actionsOn(registry.id(), scope.name());
            Set<String> actions = new LinkedHashSet<>();
            for (Action action : Action.values()) {
                if (allowed.contains(action) && (scope.actions().contains(action.wire()) || scope.actions().contains("*"))) {
                    actions.add(action.wire());
                }
            }
            if (!actions.isEmpty()) {
                granted.add(new ResourceScope(ResourceScope.REPOSITORY, scope.name(), actions));
            }
        }
        Instant now = Instant.now();
        Map<String, Object> claims = claims(registry, identity, now, config.accessTokenLifetime().toSeconds(),
                "access_token");
        List<Map<String, Object>> access = new ArrayList<>();
        for (ResourceScope g : granted) {
            access.add(Map.of("type", g.type(), "name", g.name(), "actions", List.copyOf(g.actions())));
        }
        claims.put("access", access);
        String refresh = offline && identity.kind() != Identity.Kind.ANONYMOUS ? signer.sign(claims(registry, identity,
                now, config.refreshTokenLifetime().toSeconds(), "refresh_token")) : null;
        return new Issued(signer.sign(claims), config.accessTokenLifetime().toSeconds(), now, refresh,
                String.join(" ", granted.stream().map(ResourceScope::toString).toList()));
    }

    private static Map<String, Object> claims(Registry registry, Identity identity, Instant now, long lifetime,
            String grantType) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", identity.subject());
        claims.put("aud", registry.loginServer());
        claims.put("rid", registry.id());
        claims.put("kind", identity.kind().name());
        if (identity.credential() != null) {
            claims.put("cid", identity.credential().id());
            claims.put("pwd", identity.credential().password());
            claims.put("gen", identity.credential().generation());
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond() - 10);
        claims.put("exp", now.getEpochSecond() + lifetime);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("grant_type", grantType);
        return claims;
    }

    /**
     * The access an access token grants in this registry; empty when it is invalid, expired, for elsewhere, or its
     * credential no longer stands.
     */
    public Uni<Optional<Access>> access(Registry registry, String token) {
        return valid(registry, token, "access_token").chain(claims -> {
            Optional<Holder> holder = claims.flatMap(TokenService::holder);
            if (holder.isEmpty()) {
                return Uni.createFrom().item(Optional.<Access>empty());
            }
            return live.stands(registry, holder.get().kind(), holder.get().subject(), holder.get().credential())
                    .map(stands -> stands ? Optional.of(access(claims.get())) : Optional.empty());
        });
    }

    private static Access access(JsonNode claims) {
        List<ResourceScope> granted = new ArrayList<>();
        for (JsonNode entry : claims.path("access")) {
            Set<String> actions = new LinkedHashSet<>();
            entry.path("actions").forEach(a -> actions.add(a.asText()));
            granted.add(new ResourceScope(entry.path("type").asText(), entry.path("name").asText(), actions));
        }
        return new Access(claims.path("sub").asText(), granted);
    }

    /** Who a token names, and with which credential. */
    public record Holder(String subject, Identity.Kind kind, CredentialRef credential) {
    }

    /** Who a valid, unexpired refresh token of this registry was issued to; empty otherwise. */
    public Uni<Optional<Holder>> refreshHolder(Registry registry, String token) {
        return valid(registry, token, "refresh_token").map(claims -> claims.flatMap(TokenService::holder));
    }

    private static Optional<Holder> holder(JsonNode c) {
        try {
            CredentialRef credential = c.hasNonNull("cid") ? new CredentialRef(c.path("cid").asText(),
                    c.path("pwd").asInt(), c.path("gen").asText()) : null;
            return Optional.of(new Holder(c.path("sub").asText(), Identity.Kind.valueOf(c.path("kind").asText()),
                    credential));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Uni<Optional<JsonNode>> valid(Registry registry, String token, String grantType) {
        return signer.verify(token).map(verified -> verified.filter(c -> {
            long now = Instant.now().getEpochSecond();
            return ISSUER.equals(c.path("iss").asText()) && registry.loginServer().equals(c.path("aud").asText())
                    && c.path("rid").isIntegralNumber() && c.path("rid").asLong() == registry.id()
                    && grantType.equals(c.path("grant_type").asText()) && c.path("exp").asLong() > now
                    && c.path("nbf").asLong() <= now;
        }));
    }
}
