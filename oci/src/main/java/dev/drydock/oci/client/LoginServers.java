package dev.drydock.oci.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * How Drydock's registry service names its registries, as the other services must name them too: {@code default}
 * is the service's own host[:port], every other registry {@code <name>.<domain>[:port]}. Requests to any of them go
 * to the service's address with the login server as Host header ({@link #request}), so nothing of Drydock's
 * depends on DNS or /etc/hosts knowing its login servers.
 *
 * @param service how the registry service is reached
 * @param domain  its drydock.registry.domain
 */
public record LoginServers(URI service, String domain) {

    static {
        // java.net.http refuses a Host header unless this is set before its first use; this class is where
        // Drydock's services first build a request to the registry
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    public LoginServers {
        try {
            HttpRequest.newBuilder(service).header("Host", "probe");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("java.net.http was loaded before Drydock could allow it to send a Host"
                    + " header; start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host", e);
        }
    }

    /**
     * A request builder for {@code uri}: one naming a Drydock registry goes to the service's address, carrying the
     * login server as its Host; any other is left as it is.
     */
    public HttpRequest.Builder request(URI uri) {
        String authority = uri.getRawAuthority();
        if (!names(authority)) {
            return HttpRequest.newBuilder(uri);
        }
        URI routed = URI.create(service.getScheme() + "://" + service.getRawAuthority() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        // HTTP/1.1: an h2c upgrade would carry the service's address as :authority besides the Host header
        return HttpRequest.newBuilder(routed).version(HttpClient.Version.HTTP_1_1).header("Host", authority);
    }

    /** The scheme the service is reached by. */
    public String scheme() {
        return service.getScheme();
    }

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
