package dev.drydock.registry.service;

import io.vertx.core.http.HttpServerRequest;

import java.net.URI;

/** Where this service is reached on the connection a request came by: how it calls its own registries. */
public final class ServiceAddress {

    private ServiceAddress() {
    }

    public static URI of(HttpServerRequest request) {
        String host = request.localAddress().hostAddress();
        return URI.create((request.isSSL() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host)
                + ":" + request.localAddress().port());
    }
}
