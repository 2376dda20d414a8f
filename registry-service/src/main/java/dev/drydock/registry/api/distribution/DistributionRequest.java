package dev.drydock.registry.api.distribution;

import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.DistributionPath;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.service.ArtifactCache;
import dev.drydock.registry.service.ServiceAddress;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One /v2 request after routing and access control: the registry, what the path names, who asks, the exchange.
 *
 * @param eventLoop the context the request arrived on, where its response is written from other threads
 */
public record DistributionRequest(RoutingContext context, Registry registry, DistributionPath path,
        RepositoryName name, String subject, Context eventLoop) {

    public long registryId() {
        return registry.id();
    }

    public HttpServerRequest request() {
        return context.request();
    }

    /**
     * Lets the paused body flow (to its end, when nobody reads it). A body already read to its end is left alone:
     * over HTTP/2 resuming it then fails the request.
     */
    public void resumeBody() {
        if (!request().isEnded()) {
            request().resume();
        }
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
        return origin(subject, registry, request());
    }

    /**
     * The origin of any HTTP request to {@code registry} acting as {@code subject}; its host is the registry's login
     * server, whatever Host the request carried.
     */
    public static Origin origin(String subject, Registry registry, HttpServerRequest request) {
        return new Origin(subject, registry.loginServer(), request.method().name(), request.getHeader("User-Agent"));
    }

    /**
     * The request as the artifact cache sees it: where this service is reached, and how many caches it passed (an
     * unreadable count is taken as too many, so that a fill never starts on a forged header).
     */
    public ArtifactCache.Caller cacheCaller() {
        String header = request().getHeader(ArtifactCache.HOPS_HEADER);
        int hops;
        try {
            hops = header == null ? 0 : Math.max(0, Integer.parseInt(header.strip()));
        } catch (NumberFormatException e) {
            hops = ArtifactCache.MAX_HOPS;
        }
        return new ArtifactCache.Caller(ServiceAddress.of(request()), hops);
    }

    /** The path of this repository's resource, as a Location header value. */
    public String location(String suffix) {
        return "/v2/" + name.value() + suffix;
    }
}
