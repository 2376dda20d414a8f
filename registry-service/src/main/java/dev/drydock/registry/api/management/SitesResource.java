package dev.drydock.registry.api.management;

import dev.drydock.registry.service.ReplicationService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * /api/v1/sites: what sites of one deployment ask each other, as the replication identity (never the
 * administrator): a replica's configuration from its home, its removal, its status and a site's inventory for a
 * full sync. The caller names its site in X-Drydock-Site.
 */
@Path("/api/v1/sites/registries/{registry}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SitesResource {

    static final String SITE_HEADER = "X-Drydock-Site";

    private final ReplicationService replications;

    SitesResource(ReplicationService replications) {
        this.replications = replications;
    }

    @PUT
    public Uni<JsonObject> configure(@PathParam("registry") String registry, @HeaderParam(SITE_HEADER) String caller,
            JsonObject configuration) {
        return replications.applyConfiguration(registry, configuration, caller)
                .map(result -> new JsonObject().put("applied", result.applied()));
    }

    @DELETE
    public Uni<Response> delete(@PathParam("registry") String registry, @HeaderParam(SITE_HEADER) String caller) {
        return replications.deleteReplica(registry, caller).map(v -> Response.noContent().build());
    }

    @GET
    @Path("status")
    public Uni<JsonObject> status(@PathParam("registry") String registry) {
        return replications.localStatus(registry);
    }

    @GET
    @Path("inventory")
    public Uni<JsonArray> inventory(@PathParam("registry") String registry) {
        return replications.inventory(registry);
    }
}
