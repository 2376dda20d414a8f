package dev.drydock.registry.service;

import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.Registries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registry stores at most its SKU's included storage. A blob the registry holds already costs nothing more
 * (layers are shared within a registry), so only new content is refused.
 *
 * <p>Measuring a registry's storage sums every blob it links, too much for every upload. So each replica keeps an
 * estimate per registry (the measured bytes plus every upload it let through since), measured again every
 * {@link #REFRESH} and whenever an upload would bring the estimate within {@link #MARGIN} of the limit: far from the
 * limit an upload costs no query, near it every upload is checked exactly.
 */
@ApplicationScoped
public class StorageQuota {

    static final Duration REFRESH = Duration.ofSeconds(10);
    /** The share of the limit up to which estimates are trusted. */
    static final double MARGIN = 0.9;

    private record Estimate(AtomicLong bytes, long measuredAt) {
    }

    private final Registries registries;
    private final RegistryService service;
    private final Map<Long, Estimate> estimates = new ConcurrentHashMap<>();

    StorageQuota(Registries registries, RegistryService service) {
        this.registries = registries;
        this.service = service;
    }

    public Uni<Void> check(Registry registry, String digest, long size) {
        long limit = service.includedStorage(registry.sku());
        Estimate estimate = estimates.get(registry.id());
        if (estimate != null && System.nanoTime() - estimate.measuredAt() < REFRESH.toNanos()
                && estimate.bytes().get() + size <= limit * MARGIN) {
            estimate.bytes().addAndGet(size);
            return Uni.createFrom().voidItem();
        }
        return registries.holdsBlob(registry.id(), digest).chain(held -> held ? Uni.createFrom().voidItem()
                : registries.storageUsed(registry.id()).invoke(used -> {
                    if (used + size > limit) {
                        throw new RegistryException(ErrorCode.DENIED, "registry " + registry.name() + " stores "
                                + used + " bytes; this blob of " + size + " would exceed the " + limit
                                + " bytes its " + registry.sku() + " SKU includes", registry.name());
                    }
                    estimates.put(registry.id(), new Estimate(new AtomicLong(used + size), System.nanoTime()));
                }).replaceWithVoid());
    }
}
