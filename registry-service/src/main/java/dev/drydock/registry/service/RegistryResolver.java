package dev.drydock.registry.service;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Decides which registry (tenant) a request addresses. */
public interface RegistryResolver {

    Uni<Long> resolve(HttpServerRequest request);
}
