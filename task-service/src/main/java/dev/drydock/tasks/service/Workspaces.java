package dev.drydock.tasks.service;

import dev.drydock.tasks.config.TasksConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private directory per run (Git checkout, registry auth file), removed when the run ends. */
@ApplicationScoped
public class Workspaces {

    private final Path root;

    Workspaces(TasksConfig config) {
        this.root = Path.of(config.dataDir()).toAbsolutePath().resolve("runs");
    }

    /** Removes every workspace: at start, none of them belongs to a run that still executes here. */
    public void clear() {
        delete(root);
    }

    public Path create(String registry, String runId) throws IOException {
        Path dir = root.resolve(registry + "-" + runId);
        delete(dir);
        Files.createDirectories(root);
        // closed from the first byte: a Git checkout and the registry token land here before the build starts
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    /** Removes a tree; what cannot be removed stays (a leftover directory is harmless, a failed run end is not). */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // see above
        }
    }
}
