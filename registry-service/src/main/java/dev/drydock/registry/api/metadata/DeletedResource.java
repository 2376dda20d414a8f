package dev.drydock.registry.api.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.api.distribution.Params;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.service.RegistryResolver;
import dev.drydock.registry.service.SoftDeleteService;
import dev.drydock.registry.service.SoftDeleteService.Restored;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * What soft delete kept, under /acr/v1: {@code _deleted/_catalog} (repositories deleted as a whole),
 * {@code <repo>/_deleted/_manifests} and {@code _tags} (az acr manifest list-deleted and list-deleted-tags),
 * {@code <repo>/_deleted/_restore} (az acr manifest restore; without a tag, the whole repository). Repository
 * components never start with an underscore, so {@code _deleted} cannot be part of a name.
 */
@Path("/acr/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeletedResource {

    private final RegistryResolver registries;
    private final SoftDeleteService softDelete;

    DeletedResource(RegistryResolver registries, SoftDeleteService softDelete) {
        this.registries = registries;
        this.softDelete = softDelete;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeletedManifestJson(String digest, String mediaType, String subject, List<String> manifests,
            String deletedTime) {
    }

    public record DeletedTagJson(String name, String digest, String deletedTime) {
    }

    /** A restore: a tag with an optional digest and force, or nothing to restore the whole repository. */
    public record RestoreRequest(String tag, String digest, Boolean force) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RestoredJson(String digest, String tag) {
        static RestoredJson of(Restored restored) {
            return new RestoredJson(restored.digest(), restored.tag());
        }
    }

    @GET
    @Path("_deleted/_catalog")
    public Uni<Map<String, Object>> repositories(@Context HttpServerRequest request) {
        return registry(request).chain(softDelete::deletedRepositories)
                .map(names -> Map.of("repositories", names));
    }

    @GET
    @Path("{name: .+}/_deleted/_manifests")
    public Uni<Map<String, Object>> manifests(@Context HttpServerRequest request, @PathParam("name") String name) {
        RepositoryName repo = Params.name(name);
        return registry(request).chain(registry -> softDelete.deletedManifests(registry, repo))
                .map(kept -> Map.of("imageName", repo.value(), "manifests", kept.stream()
                        .map(m -> new DeletedManifestJson(m.digest(), m.mediaType(), m.subjectDigest(),
                                m.children().isEmpty() ? null : m.children(), AcrTime.format(m.deletedAt())))
                        .toList()));
    }

    @GET
    @Path("{name: .+}/_deleted/_tags")
    public Uni<Map<String, Object>> tags(@Context HttpServerRequest request, @PathParam("name") String name,
            @QueryParam("tag") String tag) {
        RepositoryName repo = Params.name(name);
        if (tag != null && !Reference.isValidTag(tag)) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "invalid tag: " + tag, tag);
        }
        return registry(request).chain(registry -> softDelete.deletedTags(registry, repo, tag))
                .map(kept -> Map.of("imageName", repo.value(), "tags", kept.stream()
                        .map(t -> new DeletedTagJson(t.name(), t.digest(), AcrTime.format(t.deletedAt()))).toList()));
    }

    @POST
    @Path("{name: .+}/_deleted/_restore")
    public Uni<Map<String, Object>> restore(@Context HttpServerRequest request, @PathParam("name") String name,
            RestoreRequest body) {
        RepositoryName repo = Params.name(name);
        if (body == null || body.tag() == null) {
            if (body != null && body.digest() != null) {
                throw new RegistryException(ErrorCode.TAG_INVALID, "a restore names the tag the manifest gets", null);
            }
            return registry(request).chain(registry -> softDelete.restoreRepository(registry, repo))
                    .map(restored -> Map.of("imageName", repo.value(),
                            "restored", restored.stream().map(RestoredJson::of).toList()));
        }
        if (!Reference.isValidTag(body.tag())) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "invalid tag: " + body.tag(), body.tag());
        }
        return registry(request).chain(registry -> softDelete.restore(registry, repo, body.tag(),
                        body.digest() == null ? null : Params.digest(body.digest()), Boolean.TRUE.equals(body.force())))
                .map(restored -> Map.of("imageName", repo.value(), "restored", List.of(RestoredJson.of(restored))));
    }

    private Uni<Registry> registry(HttpServerRequest request) {
        return registries.registry(request);
    }
}
