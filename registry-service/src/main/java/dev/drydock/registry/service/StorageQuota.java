package dev.drydock.registry.service;

import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.Registries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A registry stores at most its SKU's included storage. A blob the registry holds already costs nothing more
 * (layers are shared within a registry), so only new content is refused.
 */
@ApplicationScoped
public class StorageQuota {

    private final Registries registries;
    private final RegistryService service;

    StorageQuota(Registries registries, RegistryService service) {
        this.registries = registries;
        this.service = service;
    }

    public Uni<Void> check(Registry registry, String digest, long size) {
        long limit = service.includedStorage(registry.sku());
        return registries.holdsBlob(registry.id(), digest).chain(held -> held ? Uni.createFrom().voidItem()
                : registries.storageUsed(registry.id()).invoke(used -> {
                    if (used + size > limit) {
                        throw new RegistryException(ErrorCode.DENIED, "registry " + registry.name() + " stores "
                                + used + " bytes; this blob of " + size + " would exceed the " + limit
                                + " bytes its " + registry.sku() + " SKU includes", registry.name());
                    }
                }).replaceWithVoid());
    }
}
