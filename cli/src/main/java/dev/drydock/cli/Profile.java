package dev.drydock.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where Drydock is and who the user is: {@code ~/.config/drydock/config.json} (or {@code $DRYDOCK_CONFIG}), written
 * by {@code drydock login} with mode 600, each field overridable by the environment ({@code DRYDOCK_SERVER},
 * {@code DRYDOCK_TASKS_URL}, {@code DRYDOCK_INSTANCES_URL}, {@code DRYDOCK_USERNAME}, {@code DRYDOCK_PASSWORD},
 * {@code DRYDOCK_DEFAULT_REGISTRY}). The tasks and instances URLs default to the server's host with the next two
 * ports (8081 and 8082 beside 8080), as the local stack and compose place them.
 */
public record Profile(String server, String tasksUrl, String instancesUrl, String username, String password,
        String defaultRegistry) {

    static final String DEFAULT_SERVER = "http://localhost:8080";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Profile load(Map<String, String> env) throws IOException {
        Path file = file(env);
        ObjectNode stored = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        String server = pick(env, "DRYDOCK_SERVER", stored, "server", DEFAULT_SERVER);
        return new Profile(server,
                pick(env, "DRYDOCK_TASKS_URL", stored, "tasksUrl", sibling(server, 1)),
                pick(env, "DRYDOCK_INSTANCES_URL", stored, "instancesUrl", sibling(server, 2)),
                pick(env, "DRYDOCK_USERNAME", stored, "username", null),
                pick(env, "DRYDOCK_PASSWORD", stored, "password", null),
                pick(env, "DRYDOCK_DEFAULT_REGISTRY", stored, "defaultRegistry", "default"));
    }

    /** Writes the profile (mode 600: it holds a password). */
    public void save(Map<String, String> env) throws IOException {
        Path file = file(env);
        Files.createDirectories(file.getParent());
        ObjectNode json = JSON.createObjectNode().put("server", server).put("tasksUrl", tasksUrl)
                .put("instancesUrl", instancesUrl).put("username", username).put("password", password)
                .put("defaultRegistry", defaultRegistry);
        Path partial = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(partial, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A service beside the registry service: same host, port + {@code offset}. */
    public static String sibling(String server, int offset) {
        URI uri = URI.create(server);
        int port = uri.getPort() < 0 ? (uri.getScheme().equals("https") ? 443 : 80) : uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + ":" + (port + offset);
    }

    /** The registry's host:port, as images are named. */
    public String registryHost() {
        URI uri = URI.create(server);
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    public static Path file(Map<String, String> env) {
        if (env.get("DRYDOCK_CONFIG") != null) {
            return Path.of(env.get("DRYDOCK_CONFIG"));
        }
        String config = env.getOrDefault("XDG_CONFIG_HOME", Path.of(env.getOrDefault("HOME", "."), ".config").toString());
        return Path.of(config, "drydock", "config.json");
    }

    private static String pick(Map<String, String> env, String variable, ObjectNode stored, String field,
            String fallback) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return value;
        }
        return stored.hasNonNull(field) ? stored.get(field).asText() : fallback;
    }
}
