package dev.drydock.registry.api.distribution;

import dev.drydock.oci.RepositoryName;
import dev.drydock.operations.RouteTemplates;
import dev.drydock.registry.domain.DistributionPath;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.service.AccessControl;
import dev.drydock.registry.service.CacheRuleService;
import dev.drydock.registry.service.RegistryResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * The OCI Distribution API under /v2, on a plain Vert.x route: blob bodies stream to disk with back-pressure and
 * blobs are served with sendFile, neither of which a buffering framework layer would allow. Every request passes
 * through {@link #handle}, the one place where the registry is resolved (and where authentication will sit).
 */
@ApplicationScoped
public class DistributionRouter {

    private final RegistryResolver registries;
    private final AccessControl access;
    private final BlobsApi blobs;
    private final UploadsApi uploads;
    private final ManifestsApi manifests;
    private final ListingsApi listings;
    private final CacheRuleService cacheRules;

    DistributionRouter(RegistryResolver registries, AccessControl access, BlobsApi blobs, UploadsApi uploads,
            ManifestsApi manifests, ListingsApi listings, CacheRuleService cacheRules) {
        this.registries = registries;
        this.cacheRules = cacheRules;
        this.access = access;
        this.blobs = blobs;
        this.uploads = uploads;
        this.manifests = manifests;
        this.listings = listings;
    }

    void install(@Observes Router router) {
        router.route("/v2").handler(this::handle);
        router.route("/v2/*").handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        // nothing of the body may be read before a handler is ready for it
        ctx.request().pause();
        ctx.response().putHeader("Docker-Distribution-Api-Version", "registry/2.0");
        Uni<Void> work;
        try {
            DistributionPath path = DistributionPath.parse(ctx.request().path()).orElseThrow(
                    () -> new RegistryException(ErrorCode.NAME_UNKNOWN, "no such resource: " + ctx.request().path()));
            // metrics name the route, never the repository, reference or upload the path carries
            RouteTemplates.name(template(path.kind()));
            RepositoryName name = path.name() == null ? null : Params.name(path.name());
            HttpServerRequest request = ctx.request();
            Context eventLoop = Vertx.currentContext();
            work = registries.resolve(request)
                    .chain(addressed -> access.check(addressed.registry(), registries.realm(addressed, request),
                                    request, needed(ctx, path, name))
                            .call(() -> writes(request.method(), path.kind())
                                    ? cacheRules.checkWritable(addressed.registry().id(), name)
                                    : Uni.createFrom().voidItem())
                            .chain(subject -> dispatch(new DistributionRequest(ctx, addressed.registry(), path, name,
                                    subject, eventLoop))));
        } catch (RuntimeException e) {
            work = Uni.createFrom().failure(e);
        }
        work.subscribe().with(ok -> { }, failure -> OciResponses.error(ctx, failure));
    }

    /** Pushes: a manifest PUT and every step of a blob upload; what a cache rule fills takes none of them. */
    private static boolean writes(HttpMethod method, DistributionPath.Kind kind) {
        return kind == DistributionPath.Kind.UPLOADS || kind == DistributionPath.Kind.UPLOAD && method != HttpMethod.GET
                && method != HttpMethod.DELETE || kind == DistributionPath.Kind.MANIFEST && method == HttpMethod.PUT;
    }

    private static String template(DistributionPath.Kind kind) {
        return switch (kind) {
            case BASE -> "/v2/";
            case CATALOG -> "/v2/_catalog";
            case TAGS -> "/v2/{name}/tags/list";
            case REFERRERS -> "/v2/{name}/referrers/{digest}";
            case MANIFEST -> "/v2/{name}/manifests/{reference}";
            case BLOB -> "/v2/{name}/blobs/{digest}";
            case UPLOADS -> "/v2/{name}/blobs/uploads/";
            case UPLOAD -> "/v2/{name}/blobs/uploads/{uuid}";
        };
    }

    /**
     * What a request needs (Distribution's rules, plus ACR's delete action): reads pull, writes pull and push, a
     * mount also pull on its source, deletes delete, the catalog registry:catalog:*.
     */
    private static AccessControl.Needed needed(RoutingContext ctx, DistributionPath path, RepositoryName name) {
        HttpMethod method = ctx.request().method();
        if (path.kind() == DistributionPath.Kind.BASE) {
            return AccessControl.Needed.authenticated();
        }
        if (path.kind() == DistributionPath.Kind.CATALOG) {
            return AccessControl.Needed.catalog();
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return AccessControl.Needed.repository(name.value(), Action.PULL);
        }
        if (method == HttpMethod.DELETE && path.kind() != DistributionPath.Kind.UPLOAD) {
            return AccessControl.Needed.repository(name.value(), Action.DELETE);
        }
        AccessControl.Needed write = AccessControl.Needed.repository(name.value(), Action.PULL, Action.PUSH);
        String from = ctx.request().getParam("from");
        if (path.kind() == DistributionPath.Kind.UPLOADS && from != null && RepositoryName.isValid(from)) {
            return write.and(AccessControl.Needed.repository(from, Action.PULL));
        }
        return write;
    }

    private Uni<Void> dispatch(DistributionRequest req) {
        HttpMethod method = req.request().method();
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        return switch (req.path().kind()) {
            case BASE -> read ? base(req) : notAllowed(req, "GET, HEAD");
            case CATALOG -> method == HttpMethod.GET ? listings.catalog(req) : notAllowed(req, "GET");
            case TAGS -> method == HttpMethod.GET ? listings.tags(req) : notAllowed(req, "GET");
            case REFERRERS -> method == HttpMethod.GET ? listings.referrers(req) : notAllowed(req, "GET");
            case MANIFEST -> read ? manifests.get(req)
                    : method == HttpMethod.PUT ? manifests.put(req)
                    : method == HttpMethod.DELETE ? manifests.delete(req)
                    : notAllowed(req, "GET, HEAD, PUT, DELETE");
            case BLOB -> read ? blobs.get(req)
                    : method == HttpMethod.DELETE ? blobs.delete(req)
                    : notAllowed(req, "GET, HEAD, DELETE");
            case UPLOADS -> method == HttpMethod.POST ? uploads.post(req) : notAllowed(req, "POST");
            case UPLOAD -> method == HttpMethod.GET ? uploads.status(req)
                    : method == HttpMethod.PATCH ? uploads.patch(req)
                    : method == HttpMethod.PUT ? uploads.put(req)
                    : method == HttpMethod.DELETE ? uploads.cancel(req)
                    : notAllowed(req, "GET, PATCH, PUT, DELETE");
        };
    }

    private static Uni<Void> base(DistributionRequest req) {
        req.resumeBody();
        OciResponses.json(req.context(), 200, Map.of());
        return Uni.createFrom().voidItem();
    }

    private static Uni<Void> notAllowed(DistributionRequest req, String allowed) {
        return Uni.createFrom().failure(new RegistryException(ErrorCode.UNSUPPORTED,
                req.request().method() + " is not supported here", null, Map.of("Allow", allowed)));
    }
}
