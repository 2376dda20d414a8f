package dev.drydock.registry.api.management;

import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.BasicCredentials;
import dev.drydock.registry.service.AccessControl;
import dev.drydock.registry.service.Authenticator;
import dev.drydock.registry.service.SourceAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.Optional;

/**
 * The management API (/api/v1) answers only the administrator: Basic credentials of the bootstrap administrator
 * from configuration. Everything else gets 401 with a Basic challenge, before any body is read.
 */
public class ManagementAccessFilter {

    private static final String PREFIX = "/api/v1/";

    private final AccessControl access;
    private final Authenticator authenticator;

    ManagementAccessFilter(AccessControl access, Authenticator authenticator) {
        this.access = access;
        this.authenticator = authenticator;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> check(HttpServerRequest request) {
        if (!access.enabled() || !request.path().startsWith(PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        Optional<BasicCredentials> basic = BasicCredentials.fromHeader(request.getHeader("Authorization"));
        Uni<Boolean> allowed = basic.isEmpty() ? Uni.createFrom().item(false)
                : authenticator.isAdministrator(basic.get().user(), basic.get().password(), SourceAddress.of(request));
        return allowed.map(ok -> ok ? (Response) null : Response.status(401)
                        .header("WWW-Authenticate", "Basic realm=\"drydock\"").type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(Map.of("error", Map.of("code", "Unauthorized",
                                "message", "the management API needs the administrator's credentials"))).build())
                .onFailure(RegistryException.class).recoverWithItem(e -> ApiExceptionMappers.body(
                        ((RegistryException) e).code().status(), "TooManyRequests", e.getMessage(),
                        ((RegistryException) e).headers()));
    }
}
