package dev.drydock.registry.api.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.api.distribution.DistributionRequest;
import dev.drydock.registry.api.distribution.Params;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.ChangeableAttributes;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.ManifestMetadata;
import dev.drydock.registry.domain.MetadataOrder;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.RepositoryMetadata;
import dev.drydock.registry.domain.TagMetadata;
import dev.drydock.registry.service.ManifestService;
import dev.drydock.registry.service.MetadataService.AttributeChange;
import dev.drydock.registry.service.MetadataService;
import dev.drydock.registry.service.RegistryResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ACR's data-plane metadata API, /acr/v1, with its exact paths and JSON field names. The Host header picks the
 * registry as on /v2; lists page with n and last and a Link header absent on the last page.
 */
@Path("/acr/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MetadataResource {

    private final RegistryResolver registries;
    private final MetadataService metadata;
    private final ManifestService manifests;
    private final RegistryConfig config;
    private final RoutingContext routing;

    MetadataResource(RegistryResolver registries, MetadataService metadata, ManifestService manifests,
            RegistryConfig config, RoutingContext routing) {
        this.routing = routing;
        this.registries = registries;
        this.metadata = metadata;
        this.manifests = manifests;
        this.config = config;
    }

    /** A body of PATCH: any of the four locks. */
    public record AttributesPatch(Boolean deleteEnabled, Boolean writeEnabled, Boolean listEnabled,
            Boolean readEnabled) {
        AttributeChange change() {
            if (deleteEnabled == null && writeEnabled == null && listEnabled == null && readEnabled == null) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, "a PATCH names at least one of deleteEnabled, "
                        + "writeEnabled, listEnabled, readEnabled");
            }
            return new AttributeChange(deleteEnabled, writeEnabled, listEnabled, readEnabled);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TagJson(String name, String digest, String createdTime, String lastUpdateTime, boolean signed,
            ChangeableAttributes changeableAttributes) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReferenceJson(String digest, String architecture, String os) {
    }

    /** ManifestAttributesBase; {@code tags} is absent for an untagged manifest, as ACR omits it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ManifestJson(String digest, long imageSize, String createdTime, String lastUpdateTime,
            String architecture, String os, String mediaType, String configMediaType, List<String> tags,
            List<ReferenceJson> references, ChangeableAttributes changeableAttributes) {
    }

    @GET
    @Path("_catalog")
    public Uni<Response> catalog(@Context HttpServerRequest request, @QueryParam("n") String n,
            @QueryParam("last") String last) {
        int size = pageSize(n);
        return registry(request).chain(registry -> metadata.catalog(registry, last, size + 1))
                .map(names -> paged(names, size, Function.identity(), "/acr/v1/_catalog", null,
                        page -> Map.of("repositories", page)));
    }

    @GET
    @Path("{name: .+}/_tags/{tag}")
    public Uni<Map<String, Object>> tag(@Context HttpServerRequest request, @PathParam("name") String name,
            @PathParam("tag") String tag) {
        RepositoryName repo = Params.name(name);
        return registry(request).chain(registry -> metadata.tag(registry, repo, tag)
                .map(row -> envelope(registry, repo, "tag", tagJson(row))));
    }

    @PATCH
    @Path("{name: .+}/_tags/{tag}")
    public Uni<Map<String, Object>> updateTag(@Context HttpServerRequest request, @PathParam("name") String name,
            @PathParam("tag") String tag, AttributesPatch patch) {
        RepositoryName repo = Params.name(name);
        AttributeChange change = requireBody(patch).change();
        return registry(request).chain(registry -> metadata.updateTag(registry, repo, tag, change)
                .map(row -> envelope(registry, repo, "tag", tagJson(row))));
    }

    /** Untag: the manifest stays (az acr repository untag). */
    @DELETE
    @Path("{name: .+}/_tags/{tag}")
    public Uni<Response> untag(@Context HttpServerRequest request, @PathParam("name") String name,
            @PathParam("tag") String tag) {
        RepositoryName repo = Params.name(name);
        if (!Reference.isValidTag(tag)) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + tag + " is not in " + name, tag);
        }
        return registry(request).chain(registry -> metadata.repository(registry, repo)
                .chain(() -> manifests.delete(registry, repo, Reference.tag(tag), origin(registry, request))))
                .map(v -> Response.accepted().build());
    }

    @GET
    @Path("{name: .+}/_tags")
    public Uni<Response> tags(@Context HttpServerRequest request, @PathParam("name") String name,
            @QueryParam("n") String n, @QueryParam("last") String last, @QueryParam("orderby") String orderby,
            @QueryParam("digest") String digest) {
        RepositoryName repo = Params.name(name);
        int size = pageSize(n);
        MetadataOrder order = order(orderby);
        return registry(request).chain(registry -> metadata.tags(registry, repo, order, last, size + 1, digest)
                .map(rows -> paged(rows, size, TagMetadata::name, "/acr/v1/" + name + "/_tags", order,
                        page -> envelope(registry, repo, "tags",
                                page.stream().map(MetadataResource::tagJson).toList()))));
    }

    @GET
    @Path("{name: .+}/_manifests/{digest}")
    public Uni<Map<String, Object>> manifest(@Context HttpServerRequest request, @PathParam("name") String name,
            @PathParam("digest") String digest) {
        RepositoryName repo = Params.name(name);
        Params.digest(digest);
        return registry(request).chain(registry -> metadata.manifest(registry, repo, digest)
                .map(row -> envelope(registry, repo, "manifest", manifestJson(row))));
    }

    @PATCH
    @Path("{name: .+}/_manifests/{digest}")
    public Uni<Map<String, Object>> updateManifest(@Context HttpServerRequest request,
            @PathParam("name") String name, @PathParam("digest") String digest, AttributesPatch patch) {
        RepositoryName repo = Params.name(name);
        Params.digest(digest);
        AttributeChange change = requireBody(patch).change();
        return registry(request).chain(registry -> metadata.updateManifest(registry, repo, digest, change)
                .map(row -> envelope(registry, repo, "manifest", manifestJson(row))));
    }

    @GET
    @Path("{name: .+}/_manifests")
    public Uni<Response> manifests(@Context HttpServerRequest request, @PathParam("name") String name,
            @QueryParam("n") String n, @QueryParam("last") String last, @QueryParam("orderby") String orderby) {
        RepositoryName repo = Params.name(name);
        int size = pageSize(n);
        MetadataOrder order = order(orderby);
        return registry(request).chain(registry -> metadata.manifests(registry, repo, order, last, size + 1)
                .map(rows -> paged(rows, size, ManifestMetadata::digest, "/acr/v1/" + name + "/_manifests",
                        order, page -> envelope(registry, repo, "manifests",
                                page.stream().map(MetadataResource::manifestJson).toList()))));
    }

    @GET
    @Path("{name: .+}")
    public Uni<Map<String, Object>> repository(@Context HttpServerRequest request, @PathParam("name") String name) {
        RepositoryName repo = Params.name(name);
        return registry(request).chain(registry -> metadata.repository(registry, repo)
                .map(row -> repositoryJson(registry, row)));
    }

    @PATCH
    @Path("{name: .+}")
    public Uni<Map<String, Object>> updateRepository(@Context HttpServerRequest request,
            @PathParam("name") String name, AttributesPatch patch) {
        RepositoryName repo = Params.name(name);
        AttributeChange change = requireBody(patch).change();
        return registry(request).chain(registry -> metadata.updateRepository(registry, repo, change)
                .map(row -> repositoryJson(registry, row)));
    }

    /** Deletes every manifest and tag: 202 with what went; the repository is gone with its last manifest. */
    @DELETE
    @Path("{name: .+}")
    public Uni<Response> deleteRepository(@Context HttpServerRequest request, @PathParam("name") String name) {
        RepositoryName repo = Params.name(name);
        return registry(request).chain(registry -> manifests.deleteRepository(registry, repo, origin(registry, request)))
                .map(deleted -> {
                    if (deleted == null) {
                        throw RegistryException.nameUnknown(repo);
                    }
                    return Response.accepted(Map.of("manifestsDeleted", deleted.manifestsDeleted(),
                            "tagsDeleted", deleted.tagsDeleted())).build();
                });
    }

    private Uni<Registry> registry(HttpServerRequest request) {
        return registries.registry(request);
    }

    private Origin origin(Registry registry, HttpServerRequest request) {
        String subject = routing.get(MetadataAccessFilter.SUBJECT);
        return DistributionRequest.origin(subject == null ? "anonymous" : subject, registry, request);
    }

    private int pageSize(String n) {
        int size = Params.pageSize(n, config.defaultPageSize());
        if (size == 0) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be at least 1", n);
        }
        return size;
    }

    private static MetadataOrder order(String orderby) {
        try {
            return MetadataOrder.parse(orderby);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, e.getMessage(), orderby);
        }
    }

    private static AttributesPatch requireBody(AttributesPatch patch) {
        if (patch == null) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "a PATCH needs a JSON body of changeableAttributes");
        }
        return patch;
    }

    /** One page of {@code size} from {@code size + 1} fetched rows, with a Link to the next when there is one. */
    private static <T> Response paged(List<T> rows, int size, Function<T, String> key, String path,
            MetadataOrder order, Function<List<T>, Object> body) {
        List<T> page = rows.size() > size ? rows.subList(0, size) : rows;
        Response.ResponseBuilder response = Response.ok(body.apply(page));
        if (rows.size() > size) {
            String next = path + "?last=" + URLEncoder.encode(key.apply(page.get(page.size() - 1)),
                    StandardCharsets.UTF_8) + "&n=" + size + (order == null ? "" : "&orderby=" + order.wire());
            response.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return response.build();
    }

    private static Map<String, Object> envelope(Registry registry, RepositoryName repo, String field, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registry", registry.loginServer());
        body.put("imageName", repo.value());
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> repositoryJson(Registry registry, RepositoryMetadata row) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registry", registry.loginServer());
        body.put("imageName", row.name());
        body.put("createdTime", AcrTime.format(row.createdTime()));
        body.put("lastUpdateTime", AcrTime.format(row.lastUpdateTime()));
        body.put("manifestCount", row.manifestCount());
        body.put("tagCount", row.tagCount());
        body.put("changeableAttributes", row.attributes());
        return body;
    }

    private static TagJson tagJson(TagMetadata row) {
        return new TagJson(row.name(), row.digest(), AcrTime.format(row.createdTime()),
                AcrTime.format(row.lastUpdateTime()), false, row.attributes());
    }

    private static ManifestJson manifestJson(ManifestMetadata row) {
        return new ManifestJson(row.digest(), row.imageSize(), AcrTime.format(row.createdTime()),
                AcrTime.format(row.lastUpdateTime()), row.architecture(), row.os(), row.mediaType(),
                row.configMediaType(), row.tags().isEmpty() ? null : row.tags(),
                row.references().isEmpty() ? null : row.references().stream()
                        .map(c -> new ReferenceJson(c.digest(), c.architecture(), c.os())).toList(),
                row.attributes());
    }
}
