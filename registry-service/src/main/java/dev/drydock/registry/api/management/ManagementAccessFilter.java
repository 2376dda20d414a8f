package dev.drydock.registry.api.management;

import dev.drydock.operations.ManagementErrors;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.BasicCredentials;
import dev.drydock.registry.service.AccessControl;
import dev.drydock.registry.service.Authenticator;
import dev.drydock.registry.service.SourceAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.Optional;

/**
 * The management API (/api/v1) answers only the administrator: Basic credentials of the bootstrap administrator
 * from configuration; its sites part (/api/v1/sites) only the replication identity other sites call with. Everything else gets 401 with a Basic challenge, before any body is read.
 */
public class ManagementAccessFilter {

    private static final String PREFIX = "/api/v1/";
    private static final String SITES = "/api/v1/sites/";

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
        // the sites API answers the replication identity only; everything else only the administrator
        Uni<Boolean> allowed = basic.isEmpty() ? Uni.createFrom().item(false)
                : request.path().startsWith(SITES) ? authenticator.isReplicator(basic.get().user(),
                        basic.get().password(), SourceAddress.of(request))
                : authenticator.isAdministrator(basic.get().user(), basic.get().password(), SourceAddress.of(request));
        return allowed.map(ok -> ok ? (Response) null : ManagementErrors.basicChallenge("drydock",
                        "the management API needs the administrator's credentials"))
                .onFailure(RegistryException.class).recoverWithItem(e -> {
                    Response.ResponseBuilder refused = Response.fromResponse(ManagementErrors.of(
                            ((RegistryException) e).code().status(), "TooManyRequests", e.getMessage(), Map.of()));
                    ((RegistryException) e).headers().forEach(refused::header);
                    return refused.build();
                });
    }
}
