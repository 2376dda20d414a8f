package dev.drydock.registry.service;

import dev.drydock.registry.persistence.Repositories;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** Until registries are tenants, every request goes to the registry named "default" (created by migration V1). */
@ApplicationScoped
public class DefaultRegistryResolver implements RegistryResolver {

    private final Repositories repositories;
    /** Cached once found; a failed lookup (database away) is not cached, the next request asks again. */
    private volatile Long defaultRegistry;

    DefaultRegistryResolver(Repositories repositories) {
        this.repositories = repositories;
    }

    @Override
    public Uni<Long> resolve(HttpServerRequest request) {
        Long known = defaultRegistry;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return repositories.defaultRegistry().invoke(id -> defaultRegistry = id);
    }
}
