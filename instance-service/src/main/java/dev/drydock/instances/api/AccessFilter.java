package dev.drydock.instances.api;

import dev.drydock.operations.ManagementErrors;
import dev.drydock.instances.config.InstancesConfig;
import dev.drydock.instances.service.Node;
import dev.drydock.operations.DatabaseUnavailable;
import dev.drydock.oci.client.TokenEndpoint;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * Every call of /api/v1 presents Basic credentials of the Drydock administrator, or of task-service (whose cmd
 * steps are one-shot groups), checked by the registry's token endpoint. Runs before routing, so an anonymous caller
 * learns nothing about which groups exist.
 */
public class AccessFilter {

    private final boolean enabled;
    private final TokenEndpoint tokens;
    private final Node node;

    AccessFilter(InstancesConfig config, Node node) {
        this.enabled = config.auth().enabled();
        this.node = node;
        this.tokens = new TokenEndpoint(node.servers(), config.auth().cache());
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> check(ContainerRequestContext request) {
        if (!enabled || !request.getUriInfo().getPath().startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String[] credentials = TokenEndpoint.basic(request.getHeaderString(HttpHeaders.AUTHORIZATION)).orElse(null);
        if (credentials == null) {
            return Uni.createFrom().item(challenge("credentials required"));
        }
        return Uni.createFrom().item(() -> {
            Optional<TokenEndpoint.Grant> grant;
            try {
                grant = tokens.check(node.loginServer("default"), credentials[0], credentials[1]);
            } catch (IOException e) {
                return Response.fromResponse(ManagementErrors.of(Response.Status.SERVICE_UNAVAILABLE,
                        "RegistryUnavailable", "cannot check credentials with the registry: " + e.getMessage()))
                        .header("Retry-After", DatabaseUnavailable.RETRY_AFTER).build();
            }
            if (grant.isEmpty()) {
                return challenge("incorrect username or password");
            }
            String kind = grant.get().claims().path("kind").asText();
            String subject = grant.get().claims().path("sub").asText();
            boolean allowed = kind.equals("MANAGEMENT") || (kind.equals("SERVICE") && subject.equals("task-service"));
            return allowed ? null : ManagementErrors.of(Response.Status.FORBIDDEN, "Forbidden",
                    "container groups need the administrator's credentials");
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Response challenge(String message) {
        return ManagementErrors.basicChallenge("drydock instances", message);
    }
}
