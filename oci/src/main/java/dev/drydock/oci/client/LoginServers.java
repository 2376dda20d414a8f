package dev.drydock.oci.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/**
 * How Drydock's registry service names its registries, as the other services must name them too: {@code default}
 * is the service's own host[:port], every other registry {@code <name>.<domain>[:port]}. Requests to any of them go
 * to the service's address with the login server as Host header ({@link #request}), so nothing of Drydock's
 * depends on DNS or /etc/hosts knowing its login servers. Every other registry is reached with https, except the
 * {@code insecure} ones (as containers-registries.conf's {@code insecure = true}) and loopback.
 *
 * @param service  how the registry service is reached (its scheme is the one its login servers are reached with)
 * @param domain   its drydock.registry.domain
 * @param insecure registries reached with plain http: {@code host}, {@code host:port} or {@code *.domain}
 */
public record LoginServers(URI service, String domain, List<String> insecure) {

    static {
        // java.net.http refuses a Host header unless this is set before its first use; this class is where
        // Drydock's services first build a request to the registry
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    public LoginServers {
        insecure = insecure.stream().map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
        domain = domain.toLowerCase(Locale.ROOT);
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

    /**
     * Whether {@code authority} (host[:port]) names one of the service's registries: a login server under the
     * domain, without a port (as the API shows login servers) or with the service's; or the service's own host or
     * loopback on the service's port.
     */
    public boolean names(String authority) {
        if (authority == null || authority.isEmpty()) {
            return false;
        }
        String a = authority.toLowerCase(Locale.ROOT);
        String host = host(a);
        int port = port(a);
        boolean ours = host.endsWith("." + domain);
        if (port < 0) {
            return ours || servicePort() == defaultPort(service.getScheme())
                    && (host.equals(service.getHost()) || loopback(host));
        }
        return port == servicePort() && (ours || host.equals(service.getHost()) || loopback(host));
    }

    /** The registry a login server of ours names ("default" for the service's own host), or null for others'. */
    public String registryOf(String authority) {
        if (!names(authority)) {
            return null;
        }
        String host = host(authority.toLowerCase(Locale.ROOT));
        if (!host.endsWith("." + domain)) {
            return "default";
        }
        String label = host.substring(0, host.length() - domain.length() - 1);
        return label.isEmpty() || label.contains(".") ? null : label;
    }

    /**
     * The scheme {@code authority} is reached with: the service's for Drydock's registries, http for insecure ones
     * and loopback, https for every other.
     */
    public String schemeOf(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        if (names(a)) {
            return service.getScheme();
        }
        return insecure(a) || loopback(host(a)) ? "http" : "https";
    }

    /** Whether {@code authority} is one of the configured insecure registries (an entry without a port: any port). */
    public boolean insecure(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        String host = host(a);
        for (String entry : insecure) {
            if (entry.equals(a) || entry.equals(host)
                    || entry.startsWith("*.") && (host.endsWith(entry.substring(1)) || a.endsWith(entry.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    private int servicePort() {
        return service.getPort() >= 0 ? service.getPort() : defaultPort(service.getScheme());
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static String host(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
    }

    private static int port(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon <= authority.lastIndexOf(']')) {
            return -1;
        }
        try {
            return Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
