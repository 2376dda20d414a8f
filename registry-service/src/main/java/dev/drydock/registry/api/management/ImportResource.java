package dev.drydock.registry.api.management;

import dev.drydock.oci.client.RegistryClient;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.service.ImportService;
import dev.drydock.registry.service.ServiceAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** POST /api/v1/registries/{registry}/import: az acr import, with ARM's ImportImageParameters body. */
@Path("/api/v1/registries/{registry}/import")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ImportResource {

    private final ImportService imports;

    ImportResource(ImportService imports) {
        this.imports = imports;
    }

    public record Credentials(String username, String password) {
    }

    public record Source(String registryUri, String sourceImage, Credentials credentials) {
    }

    /** {@code mode}: NoForce (default) refuses to move an existing tag, Force overwrites it. */
    public record ImportRequest(Source source, List<String> targetTags, List<String> untaggedTargetRepositories,
            String mode) {
    }

    @POST
    public Uni<ImportService.Result> importImage(@PathParam("registry") String registry, ImportRequest request,
            @Context HttpServerRequest http) {
        if (request == null || request.source() == null) {
            throw Refusal.invalid("an import needs a source");
        }
        boolean force;
        if (request.mode() == null || request.mode().equalsIgnoreCase("NoForce")) {
            force = false;
        } else if (request.mode().equalsIgnoreCase("Force")) {
            force = true;
        } else {
            throw Refusal.invalid("mode is Force or NoForce, not '" + request.mode() + "'");
        }
        Credentials c = request.source().credentials();
        return imports.importImage(registry, new ImportService.Request(request.source().registryUri(),
                request.source().sourceImage(), c == null ? null : new RegistryClient.Credentials(c.username(),
                c.password()), request.targetTags(), request.untaggedTargetRepositories(), force), ServiceAddress.of(http));
    }
}
