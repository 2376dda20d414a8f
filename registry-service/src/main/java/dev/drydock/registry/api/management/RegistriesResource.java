package dev.drydock.registry.api.management;

import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.service.RegistryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** /api/v1/registries: registries as tenants (az acr create|show|list|update|delete|show-usage). */
@Path("/api/v1/registries")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RegistriesResource {

    private final RegistryService registries;

    RegistriesResource(RegistryService registries) {
        this.registries = registries;
    }

    @POST
    public Uni<Response> create(RegistryJson.Request request) {
        if (request == null || request.name() == null) {
            throw Refusal.invalid("a registry needs a name");
        }
        return registries.create(request.name(), request.change())
                .map(created -> Response.created(URI.create("/api/v1/registries/" + created.name()))
                        .entity(RegistryJson.of(created)).build());
    }

    @GET
    public Uni<Map<String, List<RegistryJson>>> list() {
        return registries.list().map(all -> Map.of("value", all.stream().map(RegistryJson::of).toList()));
    }

    @GET
    @Path("{name}")
    public Uni<RegistryJson> show(@PathParam("name") String name) {
        return registries.get(name).map(RegistryJson::of);
    }

    @PATCH
    @Path("{name}")
    public Uni<RegistryJson> update(@PathParam("name") String name, RegistryJson.Request request) {
        if (request == null) {
            throw Refusal.invalid("an update needs a body");
        }
        if (request.name() != null && !request.name().equalsIgnoreCase(name)) {
            throw Refusal.invalid("a registry cannot be renamed");
        }
        return registries.update(name, request.change()).map(RegistryJson::of);
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("name") String name) {
        return registries.delete(name).map(done -> Response.noContent().build());
    }

    /** az acr show-usage: {value: [{name, currentValue, limit, unit}]}. */
    @GET
    @Path("{name}/usages")
    public Uni<Map<String, Object>> usages(@PathParam("name") String name) {
        return registries.usage(name).map(usage -> Map.of("value", List.of(
                Map.of("name", "Size", "currentValue", usage.storageBytes(), "limit", usage.storageLimit(),
                        "unit", "Bytes"),
                Map.of("name", "Webhooks", "currentValue", usage.webhooks(), "limit", usage.webhookLimit(),
                        "unit", "Count"))));
    }

    /** Storage per repository: all its bytes, and those only it holds (what deleting it would free). */
    @GET
    @Path("{name}/usages/repositories")
    public Uni<Map<String, Object>> repositoryUsages(@PathParam("name") String name) {
        return registries.repositoryUsage(name).map(usage -> Map.of("value", usage));
    }
}
