package dev.drydock.registry.api.auth;

import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.BasicCredentials;
import dev.drydock.registry.domain.auth.Identity;
import dev.drydock.registry.domain.auth.ResourceScope;
import dev.drydock.registry.service.Authenticator;
import dev.drydock.registry.service.RegistryResolver;
import dev.drydock.registry.service.SourceAddress;
import dev.drydock.registry.service.TokenService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's token endpoint (Docker token auth and its OAuth2 variant, as ACR serves it): GET with Basic
 * credentials (or none, for anonymous pull), POST with {@code grant_type=password} or {@code refresh_token}. The
 * Host header picks the registry, whose login server is the tokens' audience.
 */
@Path("/oauth2/token")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final RegistryResolver registries;
    private final Authenticator authenticator;
    private final TokenService tokens;

    TokenResource(RegistryResolver registries, Authenticator authenticator, TokenService tokens) {
        this.registries = registries;
        this.authenticator = authenticator;
        this.tokens = tokens;
    }

    @GET
    public Uni<Map<String, Object>> get(@Context HttpServerRequest request, @QueryParam("scope") List<String> scope,
            @QueryParam("offline_token") String offline) {
        Optional<BasicCredentials> basic = BasicCredentials.fromHeader(request.getHeader("Authorization"));
        return registries.registry(request)
                .chain(registry -> identity(registry, basic, SourceAddress.of(request)).map(identity -> answer(tokens.issue(registry, identity, ResourceScope.parseAll(scope),
                        "true".equalsIgnoreCase(offline)), true)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Map<String, Object>> post(@Context HttpServerRequest request, @FormParam("grant_type") String grantType,
            @FormParam("username") String username, @FormParam("password") String password,
            @FormParam("refresh_token") String refreshToken, @FormParam("scope") List<String> scope,
            @FormParam("access_type") String accessType) {
        Optional<BasicCredentials> credentials;
        if ("password".equals(grantType)) {
            credentials = Optional.of(new BasicCredentials(username == null ? "" : username, password));
        } else if ("refresh_token".equals(grantType)) {
            credentials = Optional.of(new BasicCredentials(Authenticator.REFRESH_TOKEN_USER, refreshToken));
        } else {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "grant_type is password or refresh_token", grantType);
        }
        return registries.registry(request)
                .chain(registry -> identity(registry, credentials, SourceAddress.of(request)).map(identity -> answer(tokens.issue(registry, identity, ResourceScope.parseAll(
                        scope == null ? List.of() : scope), "offline".equals(accessType)), false)));
    }

    private Uni<Identity> identity(Registry registry, Optional<BasicCredentials> basic, String address) {
        Uni<Identity> identity = basic.isEmpty() ? authenticator.anonymous(registry)
                : authenticator.authenticate(registry, basic.get().user(), basic.get().password(), address);
        return identity.map(found -> {
            if (found == null) {
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "incorrect username or password", null,
                        Map.of("WWW-Authenticate", "Basic realm=\"" + registry.loginServer() + "\""));
            }
            return found;
        });
    }

    private static Map<String, Object> answer(TokenService.Issued issued, boolean both) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (both) {
            body.put("token", issued.token());
        }
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn());
        body.put("issued_at", AcrTime.format(issued.issuedAt()));
        body.put("scope", issued.scope());
        if (issued.refreshToken() != null) {
            body.put("refresh_token", issued.refreshToken());
        }
        return body;
    }
}
