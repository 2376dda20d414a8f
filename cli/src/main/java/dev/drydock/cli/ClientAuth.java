package dev.drydock.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The credential files container clients read, so that after {@code drydock login} podman, skopeo, buildah
 * (containers-auth.json: {@code $REGISTRY_AUTH_FILE}, else {@code $XDG_RUNTIME_DIR/containers/auth.json}, else
 * {@code /run/containers/0/auth.json} for root) and docker ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}) push and pull without asking. Other entries in those files are kept.
 */
final class ClientAuth {

    private ClientAuth() {
    }

    static List<Path> files(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        } else if (env.get("XDG_RUNTIME_DIR") != null) {
            files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        } else if ("root".equals(System.getProperty("user.name"))) {
            files.add(Path.of("/run/containers/0/auth.json"));
        }
        files.add(env.get("DOCKER_CONFIG") != null ? Path.of(env.get("DOCKER_CONFIG"), "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json"));
        return files;
    }

    /** Adds (or with a null user, removes) {@code host}'s entry in every file. @return the files written */
    static List<Path> write(Map<String, String> env, String host, String user, String password) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Path file : files(env)) {
            ObjectNode json = Files.exists(file) ? (ObjectNode) Api.JSON.readTree(file.toFile())
                    : Api.JSON.createObjectNode();
            ObjectNode auths = json.has("auths") ? (ObjectNode) json.get("auths") : json.putObject("auths");
            if (user == null) {
                if (auths.remove(host) == null) {
                    continue;
                }
            } else {
                auths.putObject(host).put("auth", Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
            }
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".drydock-new");
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(partial, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            written.add(file);
        }
        return written;
    }
}
