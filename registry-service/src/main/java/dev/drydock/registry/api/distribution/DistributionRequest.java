package dev.drydock.registry.api.distribution;

import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.DistributionPath;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Registry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** One /v2 request after routing and access control: the registry, what the path names, who asks, the exchange. */
public record DistributionRequest(RoutingContext context, Registry registry, DistributionPath path,
        RepositoryName name, String subject) {

    public long registryId() {
        return registry.id();
    }

    public HttpServerRequest request() {
        return context.request();
    }

    public HttpServerResponse response() {
        return context.response();
    }

    public String reference() {
        return path.reference();
    }

    public String query(String parameter) {
        return request().getParam(parameter);
    }

    /** Who asks, for events and webhooks. */
    public Origin origin() {
        return origin(subject, request());
    }

    /** The origin of any HTTP request acting as {@code subject}. */
    public static Origin origin(String subject, HttpServerRequest request) {
        return new Origin(subject, request.host(), request.method().name(), request.getHeader("User-Agent"));
    }

    /** The path of this repository's resource, as a Location header value. */
    public String location(String suffix) {
        return "/v2/" + name.value() + suffix;
    }
}
