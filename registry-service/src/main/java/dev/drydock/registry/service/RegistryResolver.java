package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.Registries;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which registry a request addresses from its Host header: {@code <name>.<domain>} is that registry, a
 * configured alias (localhost, 127.0.0.1) the default registry, anything else is refused (or, configured so, the
 * default registry). The host a client is sent back to (the token realm) is never the Host header itself but the
 * login server or alias it matched, with the configured or the connection's scheme and port. Answers are cached
 * briefly, so a SKU change or a deletion made on another replica is seen within {@link #TTL}; changes made here are
 * seen at once.
 */
@ApplicationScoped
public class RegistryResolver {

    static final Duration TTL = Duration.ofSeconds(10);

    /** A request's registry and the host name (no port) it was addressed by, as configured. */
    public record Addressed(Registry registry, String host) {
    }

    private record Cached(Registry registry, long expiresAt) {
    }

    private final Registries registries;
    private final String suffix;
    private final String domain;
    private final List<String> aliases;
    private final RegistryConfig config;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    RegistryResolver(Registries registries, RegistryConfig config) {
        this.registries = registries;
        this.config = config;
        this.domain = config.domain().toLowerCase(Locale.ROOT);
        this.suffix = "." + domain;
        this.aliases = config.defaultHosts().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** The registry a request addresses; fails with 421 for a host Drydock does not serve. */
    /** The registry the request addresses, as {@link #resolve} finds it. */
    public Uni<Registry> registry(HttpServerRequest request) {
        return resolve(request).map(Addressed::registry);
    }

    public Uni<Addressed> resolve(HttpServerRequest request) {
        String host = hostName(request.host());
        String name = registryNamed(host);
        String alias = host != null && aliases.contains(host) ? host : null;
        if (name == null) {
            if (config.unknownHosts() == RegistryConfig.UnknownHosts.REFUSE) {
                return Uni.createFrom().failure(new RegistryException(ErrorCode.MISDIRECTED, "no registry answers to "
                        + "host '" + abbreviate(request.host()) + "': use a login server (<registry>" + suffix + ") or "
                        + String.join(", ", aliases), null));
            }
            name = Registry.DEFAULT;
        }
        return resolve(name).map(registry -> new Addressed(registry, alias != null ? alias
                : hostName(registry.loginServer())));
    }

    /** The registry of this name; fails with NAME_UNKNOWN for a login server of no registry. */
    public Uni<Registry> resolve(String name) {
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

    /**
     * The URL of the token endpoint a client of {@code addressed} is sent to: its login server or alias with the
     * configured scheme and port (else the connection's), never the request's Host header.
     */
    public String realm(Addressed addressed, HttpServerRequest request) {
        String scheme = config.publicScheme().orElse(request.isSSL() ? "https" : "http");
        int port = config.publicPort().orElse(request.localAddress().port());
        boolean usual = scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return scheme + "://" + addressed.host() + (usual ? "" : ":" + port) + "/oauth2/token";
    }

    /**
     * The Drydock registry a host (with or without port) names: the label before the domain, the default registry
     * for an alias, else null.
     */
    public String registryNamed(String host) {
        String h = hostName(host);
        if (h == null) {
            return null;
        }
        if (h.endsWith(suffix)) {
            String label = h.substring(0, h.length() - suffix.length());
            return !label.isEmpty() && label.indexOf('.') < 0 ? label : null;
        }
        return aliases.contains(h) ? Registry.DEFAULT : null;
    }

    public String domain() {
        return domain;
    }

    /** Forgets what is cached for the registry after a change made through this replica. */
    public void forget(String name) {
        cache.remove(name.toLowerCase(Locale.ROOT));
    }

    /** The host without port, lower case, without the trailing dot of a fully qualified name. */
    private static String hostName(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String abbreviate(String host) {
        return host == null ? "" : host.length() > 100 ? host.substring(0, 100) + "…" : host;
    }
}
