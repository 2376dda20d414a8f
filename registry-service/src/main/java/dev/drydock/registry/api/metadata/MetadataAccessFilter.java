package dev.drydock.registry.api.metadata;

import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.service.AccessControl;
import dev.drydock.registry.service.RegistryResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Access control for /acr/v1, with ACR's actions: reads need metadata_read (the catalog registry:catalog:*),
 * PATCH and untag metadata_write, deleting a repository delete, restoring soft-deleted content push. Same credentials and challenge as /v2. It runs
 * before routing, so an unauthenticated caller learns nothing about what exists or what a route accepts.
 */
public class MetadataAccessFilter {

    private static final String PREFIX = "/acr/v1/";
    /** Where the subject a request acts as is kept for the resource (events and webhooks name it). */
    static final String SUBJECT = "drydock.subject";

    private final RegistryResolver registries;
    private final AccessControl access;

    MetadataAccessFilter(RegistryResolver registries, AccessControl access) {
        this.registries = registries;
        this.access = access;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> check(ContainerRequestContext context, HttpServerRequest request, RoutingContext routing) {
        String path = request.path();
        if (!access.enabled() || !path.startsWith(PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        AccessControl.Needed needed = needed(context.getMethod(), path.substring(PREFIX.length()));
        return registries.resolve(request)
                .chain(addressed -> access.check(addressed.registry(), registries.realm(addressed, request), request,
                        needed))
                .invoke(subject -> routing.put(SUBJECT, subject))
                .replaceWith((Response) null)
                .onFailure(RegistryException.class)
                .recoverWithItem(e -> RegistryExceptionMapper.response((RegistryException) e));
    }

    static AccessControl.Needed needed(String method, String rest) {
        if (rest.equals("_catalog") || rest.equals("_deleted/_catalog")) {
            return AccessControl.Needed.catalog();
        }
        int deleted = rest.indexOf("/_deleted/");
        if (deleted >= 0) {
            // listing what was deleted reads metadata; a restore brings content back, which is a push
            return AccessControl.Needed.repository(rest.substring(0, deleted),
                    method.equals("GET") || method.equals("HEAD") ? Action.METADATA_READ : Action.PUSH);
        }
        int tags = rest.indexOf("/_tags");
        int manifests = rest.indexOf("/_manifests");
        int cut = tags >= 0 ? tags : manifests >= 0 ? manifests : rest.length();
        String repository = rest.substring(0, cut);
        return switch (method) {
            case "GET", "HEAD" -> AccessControl.Needed.repository(repository, Action.METADATA_READ);
            case "DELETE" -> AccessControl.Needed.repository(repository,
                    tags >= 0 ? Action.METADATA_WRITE : Action.DELETE);
            default -> AccessControl.Needed.repository(repository, Action.METADATA_WRITE);
        };
    }
}
