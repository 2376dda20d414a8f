package dev.drydock.tasks.api;

import dev.drydock.operations.ManagementErrors;
import dev.drydock.oci.client.TokenEndpoint;
import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.service.RegistryAccess;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every call of /api/v1 presents Basic credentials of the registry it names: the Drydock administrator or the
 * registry's admin user, checked by the registry's token endpoint. Runs before routing, so an anonymous caller
 * learns nothing about which tasks or runs exist.
 */
public class AccessFilter {

    private static final Pattern REGISTRY = Pattern.compile("^/api/v1/registries/([^/]+)(/.*)?$");

    private final RegistryAccess registry;
    private final boolean enabled;

    AccessFilter(RegistryAccess registry, TasksConfig config) {
        this.registry = registry;
        this.enabled = config.auth().enabled();
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!enabled || !path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        Matcher m = REGISTRY.matcher(path);
        if (!m.matches() || !m.group(1).matches("[A-Za-z0-9]{1,50}")) {
            return Uni.createFrom().item(ManagementErrors.of(Response.Status.NOT_FOUND, "NotFound",
                    "the tasks API lives under /api/v1/registries/<registry>/"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String[] credentials = TokenEndpoint.basic(header).orElse(null);
        if (credentials == null) {
            return Uni.createFrom().item(challenge("credentials required"));
        }
        return registry.check(m.group(1).toLowerCase(), credentials[0], credentials[1]).map(verdict -> switch (verdict) {
            case ALLOWED -> null;
            case UNAUTHENTICATED -> challenge("incorrect username or password");
            case FORBIDDEN -> ManagementErrors.of(Response.Status.FORBIDDEN, "Forbidden",
                    "tasks need the administrator or the registry's admin user");
        });
    }

    private static Response challenge(String message) {
        return ManagementErrors.basicChallenge("drydock tasks", message);
    }
}
