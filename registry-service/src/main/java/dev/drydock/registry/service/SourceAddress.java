package dev.drydock.registry.service;

import io.vertx.core.http.HttpServerRequest;

/**
 * The address a request came from, as failed sign-ins are counted by: the connection's peer (or, where
 * quarkus.http.proxy.proxy-address-forwarding trusts a proxy, the client it forwarded for).
 */
public final class SourceAddress {

    private SourceAddress() {
    }

    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }
}
