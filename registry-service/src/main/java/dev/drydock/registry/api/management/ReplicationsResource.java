package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Replication;
import dev.drydock.registry.service.ReplicationService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** /api/v1/registries/{registry}/replications (az acr replication ...), with ARM's property names. */
@Path("/api/v1/registries/{registry}/replications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReplicationsResource {

    private final ReplicationService replications;

    ReplicationsResource(ReplicationService replications) {
        this.replications = replications;
    }

    /** ARM puts {@code regionEndpointEnabled} under properties; both places are accepted. */
    public record ReplicationRequest(String location, String name, Boolean regionEndpointEnabled,
            Map<String, Object> properties) {
        Boolean endpointEnabled() {
            if (regionEndpointEnabled != null) {
                return regionEndpointEnabled;
            }
            Object nested = properties == null ? null : properties.get("regionEndpointEnabled");
            if (nested != null && !(nested instanceof Boolean)) {
                throw Refusal.invalid("properties.regionEndpointEnabled is true or false");
            }
            return (Boolean) nested;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplicationJson(String name, String location, String type, Properties properties) {
        record Properties(String provisioningState, boolean regionEndpointEnabled, Status status) {
        }

        record Status(String displayStatus, String message, String timestamp) {
        }

        static ReplicationJson of(Replication r) {
            return new ReplicationJson(r.location(), r.location(), "Microsoft.ContainerRegistry/registries/replications",
                    new Properties(r.provisioningState(), r.regionEndpointEnabled(), new Status(
                            r.status().equals("online") ? "Ready" : r.status().equals("offline") ? "Unavailable"
                                    : "Unknown", r.statusMessage(),
                            r.statusAt() == null ? null : AcrTime.format(r.statusAt()))));
        }
    }

    @POST
    public Uni<Response> create(@PathParam("registry") String registry, ReplicationRequest request) {
        if (request == null || request.location() == null) {
            throw Refusal.invalid("a replication needs a location (a configured site)");
        }
        return createAt(registry, request.location(), request);
    }

    /** ARM's form: PUT …/replications/{name} with the location in the body (or the name as location). */
    @PUT
    @Path("{location}")
    public Uni<Response> put(@PathParam("registry") String registry, @PathParam("location") String location,
            ReplicationRequest request) {
        if (request != null && request.location() != null && !request.location().equals(location)) {
            throw Refusal.invalid("the replication's name is its location: " + location + ", not "
                    + request.location());
        }
        return createAt(registry, location, request);
    }

    private Uni<Response> createAt(String registry, String location, ReplicationRequest request) {
        Boolean endpoint = request == null ? null : request.endpointEnabled();
        return replications.create(registry, location, endpoint == null || endpoint)
                .map(r -> Response.created(URI.create("/api/v1/registries/" + registry + "/replications/"
                        + r.location())).entity(ReplicationJson.of(r)).build());
    }

    @GET
    public Uni<Map<String, List<ReplicationJson>>> list(@PathParam("registry") String registry) {
        return replications.list(registry).map(all -> Map.of("value",
                all.stream().map(ReplicationJson::of).toList()));
    }

    @GET
    @Path("{location}")
    public Uni<ReplicationJson> show(@PathParam("registry") String registry, @PathParam("location") String location) {
        return replications.show(registry, location).map(ReplicationJson::of);
    }

    /** What the replica's site has waiting and applied, per repository, with the lag and errors. */
    @GET
    @Path("{location}/status")
    public Uni<JsonObject> status(@PathParam("registry") String registry, @PathParam("location") String location) {
        return replications.status(registry, location);
    }

    @PATCH
    @Path("{location}")
    public Uni<ReplicationJson> update(@PathParam("registry") String registry, @PathParam("location") String location,
            ReplicationRequest request) {
        Boolean endpoint = request == null ? null : request.endpointEnabled();
        if (endpoint == null) {
            throw Refusal.invalid("an update sets regionEndpointEnabled");
        }
        return replications.update(registry, location, endpoint).map(ReplicationJson::of);
    }

    @DELETE
    @Path("{location}")
    public Uni<Response> delete(@PathParam("registry") String registry, @PathParam("location") String location) {
        return replications.delete(registry, location).map(v -> Response.accepted().build());
    }

    /**
     * A full comparison of this site's copy with {@code location}'s: what that site holds and this one lacks (or
     * holds an older tag of) is queued for copying. For a site that was away longer than the events are kept.
     */
    @POST
    @Path("{location}/sync")
    public Uni<ReplicationService.Synced> sync(@PathParam("registry") String registry,
            @PathParam("location") String location) {
        return replications.sync(registry, location);
    }
}
