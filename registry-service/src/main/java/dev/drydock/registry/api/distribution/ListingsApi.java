package dev.drydock.registry.api.distribution;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Referrer;
import dev.drydock.registry.service.ContentDiscovery;
import dev.drydock.registry.service.ContentDiscovery.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** end-8 (tag list), the catalog, and end-12 (referrers, with the artifactType filter). */
@ApplicationScoped
class ListingsApi {

    private final ContentDiscovery discovery;
    private final RegistryConfig config;

    ListingsApi(ContentDiscovery discovery, RegistryConfig config) {
        this.discovery = discovery;
        this.config = config;
    }

    Uni<Void> tags(DistributionRequest req) {
        req.resumeBody();
        int n = Params.pageSize(req.query("n"), config.defaultPageSize());
        return discovery.tags(req.registryId(), req.name(), req.query("last"), n).invoke(page -> {
            link(req, page, n, "/v2/" + req.name().value() + "/tags/list");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", req.name().value());
            body.put("tags", page.items());
            OciResponses.json(req.context(), 200, body);
        }).replaceWithVoid();
    }

    Uni<Void> catalog(DistributionRequest req) {
        req.resumeBody();
        int n = Params.pageSize(req.query("n"), config.defaultPageSize());
        return discovery.catalog(req.registryId(), req.query("last"), n).invoke(page -> {
            link(req, page, n, "/v2/_catalog");
            OciResponses.json(req.context(), 200, Map.of("repositories", page.items()));
        }).replaceWithVoid();
    }

    Uni<Void> referrers(DistributionRequest req) {
        req.resumeBody();
        var subject = Params.digest(req.reference());
        String artifactType = req.query("artifactType");
        return discovery.referrers(req.registryId(), req.name(), subject, artifactType).invoke(referrers -> {
            List<Map<String, Object>> descriptors = new ArrayList<>();
            for (Referrer r : referrers) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("mediaType", r.mediaType());
                d.put("size", r.size());
                d.put("digest", r.digest());
                if (r.artifactType() != null) {
                    d.put("artifactType", r.artifactType());
                }
                if (r.annotations() != null) {
                    d.put("annotations", new io.vertx.core.json.JsonObject(r.annotations()).getMap());
                }
                descriptors.add(d);
            }
            if (artifactType != null) {
                req.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("mediaType", dev.drydock.oci.MediaTypes.OCI_INDEX);
            index.put("manifests", descriptors);
            OciResponses.json(req.context(), 200, index, dev.drydock.oci.MediaTypes.OCI_INDEX);
        }).replaceWithVoid();
    }

    private static void link(DistributionRequest req, Page page, int n, String path) {
        if (page.hasMore()) {
            req.response().putHeader("Link", "<" + path + "?n=" + n + "&last="
                    + URLEncoder.encode(page.lastItem(), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
    }
}
