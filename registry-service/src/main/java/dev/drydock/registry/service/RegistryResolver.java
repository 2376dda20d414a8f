package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.Registries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which registry a request addresses from its Host header: {@code <name>.<domain>} is that registry, any
 * other host is the default registry. Answers are cached briefly, so a SKU change or a deletion made on another
 * replica is seen within {@link #TTL}; changes made here are seen at once.
 */
@ApplicationScoped
public class RegistryResolver {

    static final Duration TTL = Duration.ofSeconds(10);

    private record Cached(Registry registry, long expiresAt) {
    }

    private final Registries registries;
    private final String suffix;
    private final String domain;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    RegistryResolver(Registries registries, RegistryConfig config) {
        this.registries = registries;
        this.domain = config.domain().toLowerCase(Locale.ROOT);
        this.suffix = "." + domain;
    }

    /** The registry the host names; fails with NAME_UNKNOWN for a login server of no registry. */
    public Uni<Registry> resolve(String host) {
        String name = registryName(host);
        Cached cached = cache.get(name);
        if (cached != null && cached.expiresAt() > System.nanoTime()) {
            return Uni.createFrom().item(cached.registry());
        }
        return registries.find(name, domain).map(found -> {
            if (found == null) {
                cache.remove(name);
                throw new RegistryException(ErrorCode.NAME_UNKNOWN, "registry " + name + " does not exist", name);
            }
            cache.put(name, new Cached(found, System.nanoTime() + TTL.toNanos()));
            return found;
        });
    }

    /** The registry name a host addresses: the label before the domain, else the default registry. */
    public String registryName(String host) {
        if (host == null) {
            return Registry.DEFAULT;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(suffix)) {
            String label = h.substring(0, h.length() - suffix.length());
            if (!label.isEmpty() && label.indexOf('.') < 0) {
                return label;
            }
        }
        return Registry.DEFAULT;
    }

    public String domain() {
        return domain;
    }

    /** Forgets what is cached for the registry after a change made through this replica. */
    public void forget(String name) {
        cache.remove(name.toLowerCase(Locale.ROOT));
    }
}
