package dev.drydock.oci.client;

import java.net.URI;
import java.util.Locale;

/**
 * How Drydock's registry service names its registries, as the other services must name them too: {@code default}
 * is the service's own host[:port], every other registry {@code <name>.<domain>[:port]}.
 *
 * @param service how the registry service is reached
 * @param domain  its drydock.registry.domain
 */
public record LoginServers(URI service, String domain) {

    /** ":port" of the service, or nothing for a default port. */
    public String port() {
        return service.getPort() < 0 ? "" : ":" + service.getPort();
    }

    /** The login server (host[:port]) of {@code registry}. */
    public String of(String registry) {
        return registry.equals("default") ? service.getHost() + port()
                : registry.toLowerCase(Locale.ROOT) + "." + domain + port();
    }

    /** Whether {@code host} names one of the service's registries: its own host, loopback, or a login server. */
    public boolean names(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals(service.getHost() + port()) || h.equals("localhost" + port()) || h.equals("127.0.0.1" + port())
                || h.endsWith("." + domain + port());
    }
}
