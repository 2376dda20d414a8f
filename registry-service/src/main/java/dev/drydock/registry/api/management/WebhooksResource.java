package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Webhook;
import dev.drydock.registry.domain.WebhookDelivery;
import dev.drydock.registry.service.WebhookService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/v1/registries/{registry}/webhooks (az acr webhook ...). Custom headers and the signing secret are
 * write-only: only get-config shows the headers, nothing shows the secret.
 */
@Path("/api/v1/registries/{registry}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhooksResource {

    private final WebhookService webhooks;

    WebhooksResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** A create or update body; {@code secret} turns on the X-Drydock-Signature header (empty turns it off). */
    public record WebhookRequest(String name, String serviceUri, List<String> actions, String scope,
            Map<String, String> customHeaders, String status, String secret) {
        WebhookService.Spec spec() {
            return new WebhookService.Spec(serviceUri, actions, scope, customHeaders, status, secret);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookJson(String name, String serviceUri, List<String> actions, String scope, String status,
            boolean signed, String creationDate, String provisioningState) {
        static WebhookJson of(Webhook w) {
            return new WebhookJson(w.name(), w.uri(), List.copyOf(w.actions()), w.scope(),
                    w.enabled() ? "enabled" : "disabled", w.secret() != null, AcrTime.format(w.createdAt()),
                    "Succeeded");
        }
    }

    @POST
    public Uni<Response> create(@PathParam("registry") String registry, WebhookRequest request) {
        if (request == null || request.name() == null) {
            throw Refusal.invalid("a webhook needs a name");
        }
        return webhooks.create(registry, request.name(), request.spec()).map(w -> Response
                .created(URI.create("/api/v1/registries/" + registry + "/webhooks/" + w.name()))
                .entity(WebhookJson.of(w)).build());
    }

    @GET
    public Uni<Map<String, List<WebhookJson>>> list(@PathParam("registry") String registry) {
        return webhooks.list(registry).map(all -> Map.of("value", all.stream().map(WebhookJson::of).toList()));
    }

    @GET
    @Path("{name}")
    public Uni<WebhookJson> show(@PathParam("registry") String registry, @PathParam("name") String name) {
        return webhooks.get(registry, name).map(WebhookJson::of);
    }

    @PATCH
    @Path("{name}")
    public Uni<WebhookJson> update(@PathParam("registry") String registry, @PathParam("name") String name,
            WebhookRequest request) {
        if (request == null) {
            throw Refusal.invalid("an update needs a body");
        }
        if (request.name() != null && !request.name().equals(name)) {
            throw Refusal.invalid("a webhook cannot be renamed");
        }
        return webhooks.update(registry, name, request.spec()).map(WebhookJson::of);
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("registry") String registry, @PathParam("name") String name) {
        return webhooks.delete(registry, name).map(v -> Response.noContent().build());
    }

    /** az acr webhook get-config: the URI and the custom headers. */
    @GET
    @Path("{name}/config")
    public Uni<Map<String, Object>> config(@PathParam("registry") String registry, @PathParam("name") String name) {
        return webhooks.get(registry, name).map(w -> Map.of("serviceUri", w.uri(), "customHeaders", w.headers()));
    }

    @POST
    @Path("{name}/ping")
    @Consumes(MediaType.WILDCARD)
    public Uni<Map<String, String>> ping(@Context HttpServerRequest http, @PathParam("registry") String registry,
            @PathParam("name") String name) {
        return webhooks.ping(registry, name, "anonymous", http.method().name(), http.getHeader("User-Agent"))
                .map(id -> Map.of("id", id.toString()));
    }

    /** az acr webhook list-events: requests and responses, newest first, Authorization masked. */
    @GET
    @Path("{name}/events")
    public Uni<Map<String, Object>> events(@PathParam("registry") String registry, @PathParam("name") String name,
            @QueryParam("n") @DefaultValue("100") int n) {
        if (n < 1 || n > 1000) {
            throw Refusal.invalid("n is between 1 and 1000");
        }
        return webhooks.get(registry, name).chain(w -> webhooks.events(registry, name, n)
                .map(log -> Map.of("value", log.stream().map(d -> event(w, d)).toList())));
    }

    private static Map<String, Object> event(Webhook w, WebhookDelivery d) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("content", d.payload());
        request.put("headers", d.requestHeaders());
        request.put("method", "POST");
        request.put("requestUri", w.uri());
        request.put("version", "1.1");
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("content", d.responseBody());
        response.put("headers", d.responseHeaders());
        response.put("reasonPhrase", d.responseReason());
        response.put("statusCode", d.responseStatus() == null ? null : String.valueOf(d.responseStatus()));
        response.put("version", "1.1");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", d.id().toString());
        event.put("action", d.action());
        event.put("state", d.state());
        event.put("attempts", d.attempts());
        event.put("createdTime", AcrTime.format(d.createdAt()));
        event.put("error", d.error());
        event.put("eventRequestMessage", request);
        event.put("eventResponseMessage", response);
        return event;
    }
}
