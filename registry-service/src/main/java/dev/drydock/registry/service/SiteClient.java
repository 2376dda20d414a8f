package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Calls another site's sites API (/api/v1/sites) as the replication identity, with bounded waits. */
@ApplicationScoped
public class SiteClient {

    /** What a site answered: its status and body, or no status when it could not be reached. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Sites sites;
    private final RegistryConfig.Site config;
    private final HttpClient http;

    SiteClient(Sites sites, RegistryConfig config) {
        this.sites = sites;
        this.config = config.site();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Uni<Answer> putConfiguration(String site, String registry, JsonObject configuration) {
        return send(site, "/registries/" + encode(registry), "PUT",
                HttpRequest.BodyPublishers.ofString(configuration.encode()));
    }

    public Uni<Answer> deleteReplica(String site, String registry) {
        return send(site, "/registries/" + encode(registry), "DELETE", HttpRequest.BodyPublishers.noBody());
    }

    public Uni<Answer> status(String site, String registry) {
        return send(site, "/registries/" + encode(registry) + "/status", "GET", HttpRequest.BodyPublishers.noBody());
    }

    public Uni<Answer> inventory(String site, String registry) {
        return send(site, "/registries/" + encode(registry) + "/inventory", "GET",
                HttpRequest.BodyPublishers.noBody());
    }

    private Uni<Answer> send(String site, String path, String method, HttpRequest.BodyPublisher body) {
        URI base = sites.peer(site).orElseThrow(() -> new IllegalStateException(site + " is not a peer"));
        String credentials = RegistryConfig.Auth.REPLICATOR + ":" + sites.secret();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/sites" + path))
                .timeout(config.responseTimeout())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .header("X-Drydock-Site", sites.self().orElse(""))
                .method(method, body).build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .map(response -> new Answer(response.statusCode(), response.body()));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
