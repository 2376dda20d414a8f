package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This deployment as a site of a geo-replicated registry: its own name and the other sites it knows, from
 * configuration. Wrong configuration stops the service at start, naming the entry.
 */
@ApplicationScoped
public class Sites {

    /** Site names are ACR locations: lowercase letters, digits and hyphens. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final String self;
    private final Map<String, URI> peers = new LinkedHashMap<>();
    private final String secret;

    Sites(RegistryConfig config) {
        this.self = config.site().name().map(String::strip).orElse(null);
        if (self != null && !NAME.matcher(self).matches()) {
            throw new IllegalStateException("drydock.registry.site.name must be lowercase letters, digits and "
                    + "hyphens (at most 40), not '" + self + "'");
        }
        for (String entry : config.site().peers().orElse(java.util.List.of())) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (self == null || !NAME.matcher(name).matches() || name.equals(self)) {
                throw new IllegalStateException("drydock.registry.site.peers: '" + entry + "' must be name=url with "
                        + "another site's name, and drydock.registry.site.name must be set");
            }
            URI url = URI.create(entry.substring(eq + 1).strip().replaceFirst("/+$", ""));
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalStateException("drydock.registry.site.peers: the URL of " + name
                        + " must be http(s)://host[:port], not " + url);
            }
            peers.put(name, url);
        }
        this.secret = config.auth().replicationSecret().filter(s -> !s.isBlank()).orElse(null);
        if (!peers.isEmpty() && secret == null) {
            throw new IllegalStateException("drydock.registry.site.peers needs drydock.registry.auth.replication-secret "
                    + "(DRYDOCK_REPLICATION_SECRET), the secret every site shares");
        }
    }

    /** This site's name; empty when geo-replication is not configured. */
    public Optional<String> self() {
        return Optional.ofNullable(self);
    }

    /** The name events and tags record for changes made here ("" without sites). */
    public String selfOrBlank() {
        return self == null ? "" : self;
    }

    public Map<String, URI> peers() {
        return Map.copyOf(peers);
    }

    public Optional<URI> peer(String name) {
        return Optional.ofNullable(peers.get(name));
    }

    public boolean isPeer(String name) {
        return peers.containsKey(name);
    }

    /** The shared secret the replication identity signs in with at other sites. */
    public String secret() {
        return secret;
    }
}
