package dev.drydock.registry.service;

import dev.drydock.registry.persistence.Repositories;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** Until registries are tenants, every request goes to the registry named "default" (created by migration V1). */
@ApplicationScoped
public class DefaultRegistryResolver implements RegistryResolver {

    private final Uni<Long> defaultRegistry;

    DefaultRegistryResolver(Repositories repositories) {
        this.defaultRegistry = repositories.defaultRegistry().memoize().indefinitely();
    }

    @Override
    public Uni<Long> resolve(HttpServerRequest request) {
        return defaultRegistry;
    }
}
