package dev.drydock.tasks.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.oci.client.TokenEndpoint;
import dev.drydock.tasks.config.TasksConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task service's dealings with the registry service: where a registry's login server is, a short-lived token
 * for the task service's own identity (what runs push with; the service secret never reaches buildah), and whether
 * a caller's credentials are those of the administrator or the registry's admin user.
 */
@ApplicationScoped
public class RegistryAccess {

    /** The user name that tells the registry "the password is a refresh token" (ACR, Docker). */
    static final String REFRESH_TOKEN_USER = "00000000-0000-0000-0000-000000000000";
    private static final Set<String> MAY_RUN_TASKS = Set.of("MANAGEMENT", "ADMIN_USER");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a caller may act, and if not, whether the credentials were wrong (401) or too weak (403). */
    public enum Verdict { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

    private final TasksConfig config;
    private final URI url;
    private final TokenEndpoint tokens;
    private final LoginServers servers;

    RegistryAccess(TasksConfig config) {
        this.config = config;
        this.url = URI.create(config.registry().url());
        this.servers = new LoginServers(url, config.registry().domain(), config.registry().insecureRegistries().orElse(List.of()));
        this.tokens = new TokenEndpoint(servers, config.auth().cache());
    }

    /** How Drydock's registries are reached (without DNS). */
    public LoginServers servers() {
        return servers;
    }

    /** The host[:port] a registry's images are named with and pushed to. */
    public String loginServer(String registry) {
        return servers.of(registry);
    }

    /**
     * A refresh token of the task service's identity for {@code registry} (hours, not forever; the service secret
     * itself never leaves this process), or null when no service secret is configured (a registry without
     * authentication).
     */
    public String serviceToken(String registry) throws IOException {
        if (config.registry().serviceSecret().filter(s -> !s.isBlank()).isEmpty()) {
            return null;
        }
        TokenEndpoint.Grant grant = tokens.password(loginServer(registry), config.registry().serviceUser(),
                config.registry().serviceSecret().get()).orElse(null);
        if (grant == null || grant.refreshToken() == null) {
            throw new IOException("the registry refused the task service's identity (is "
                    + "DRYDOCK_TASK_SERVICE_SECRET the same for both services?)");
        }
        return grant.refreshToken();
    }

    /** The credentials a client presents with a refresh token. */
    public static RegistryClient.Credentials tokenCredentials(String token) {
        return new RegistryClient.Credentials(REFRESH_TOKEN_USER, token);
    }

    /**
     * The names a registry's images go by in base-image references: its login server with and without the port,
     * and for the default registry also localhost and 127.0.0.1 (with this service's port to the registry).
     */
    public List<String> hostsOf(String registry) {
        String port = servers.port();
        Set<String> hosts = new LinkedHashSet<>();
        String server = loginServer(registry);
        hosts.add(server);
        hosts.add(server.endsWith(port) ? server.substring(0, server.length() - port.length()) : server);
        if (registry.equals("default")) {
            for (String local : List.of("localhost", "127.0.0.1")) {
                hosts.add(local + port);
                hosts.add(local);
            }
        }
        return List.copyOf(hosts);
    }

    /** An auth file for buildah (mode 600) with credentials per login server (containers-auth.json). */
    public Path authFile(Map<String, RegistryClient.Credentials> logins, Path directory) throws IOException {
        Map<String, Object> auths = new LinkedHashMap<>();
        logins.forEach((server, c) -> auths.put(server, Map.of("auth", Base64.getEncoder().encodeToString(
                (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)))));
        Path file = directory.resolve("auth.json");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, JSON.writeValueAsString(Map.of("auths", auths)));
        return file;
    }

    /**
     * An /etc/hosts for the builder's pulls and pushes: the host's own entries, and the host names of
     * {@code servers} that are Drydock's at the registry service's address, so login servers need no DNS entry.
     */
    public Path hostsFile(Collection<String> servers, Path directory) throws IOException {
        String address = InetAddress.getByName(this.servers.service().getHost()).getHostAddress();
        Path system = Path.of("/etc/hosts");
        StringBuilder entries = new StringBuilder(Files.isReadable(system) ? Files.readString(system)
                : "127.0.0.1\tlocalhost\n").append('\n');
        for (String server : servers) {
            if (this.servers.names(server)) {
                entries.append(address).append('\t').append(URI.create("http://" + server).getHost()).append('\n');
            }
        }
        Path file = directory.resolve("hosts");
        Files.writeString(file, entries);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /**
     * A containers-registries.conf for the builder: the host's own, with plain http for the configured insecure
     * registries and, when the registry service is reached without TLS, for Drydock's login servers among
     * {@code servers}. Every other registry keeps https with certificate checks (buildah's --tls-verify=false would
     * have let any of them be downgraded).
     */
    public Path registriesFile(Collection<String> servers, Path directory) throws IOException {
        Set<String> plain = new LinkedHashSet<>(this.servers.insecure());
        if (this.servers.scheme().equals("http")) {
            servers.stream().filter(this.servers::names).forEach(plain::add);
        }
        Path system = Path.of("/etc/containers/registries.conf");
        StringBuilder conf = new StringBuilder(Files.isReadable(system) ? Files.readString(system) : "")
                .append("\n# Drydock: registries reached with plain http\n");
        for (String location : plain) {
            conf.append("[[registry]]\nlocation = \"").append(location.replace("\"", "")).append("\"\ninsecure = true\n");
        }
        Path file = directory.resolve("registries.conf");
        Files.writeString(file, conf);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /**
     * Whether the caller's Basic credentials (already admitted by the access filter) are the administrator's, not a
     * registry's admin user's; true where authentication is off.
     */
    public Uni<Boolean> isAdministrator(String registry, String authorization) {
        if (!config.auth().enabled()) {
            return Uni.createFrom().item(true);
        }
        String[] credentials = TokenEndpoint.basic(authorization).orElse(null);
        if (credentials == null) {
            return Uni.createFrom().item(false);
        }
        return Uni.createFrom().item(() -> {
            try {
                return tokens.check(loginServer(registry), credentials[0], credentials[1])
                        .map(grant -> grant.claims().path("kind").asText().equals("MANAGEMENT")).orElse(false);
            } catch (IOException e) {
                throw new RegistryUnavailableException("cannot check credentials with the registry at " + url
                        + ": " + e.getMessage());
            }
        }).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    /** Checks a caller's Basic credentials with the registry's token endpoint; remembered for a short while. */
    public Uni<Verdict> check(String registry, String user, String password) {
        return Uni.createFrom().item(() -> {
            try {
                return tokens.check(loginServer(registry), user, password)
                        .map(grant -> MAY_RUN_TASKS.contains(grant.claims().path("kind").asText()) ? Verdict.ALLOWED
                                : Verdict.FORBIDDEN)
                        .orElse(Verdict.UNAUTHENTICATED);
            } catch (IOException e) {
                throw new RegistryUnavailableException("cannot check credentials with the registry at " + url
                        + ": " + e.getMessage());
            }
        }).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }
}
