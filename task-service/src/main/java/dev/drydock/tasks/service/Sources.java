package dev.drydock.tasks.service;

import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.domain.BuildContext;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Uploaded build contexts: unpacked (and checked: a hostile archive is refused before any run exists) into
 * {@code <data>/sources/<registry>/<id>}, used read-only by runs, removed after the retention.
 */
@ApplicationScoped
public class Sources {

    private static final Logger LOG = Logger.getLogger(Sources.class);

    private final Path root;
    private final TasksConfig config;

    Sources(TasksConfig config) {
        this.config = config;
        this.root = Path.of(config.dataDir()).toAbsolutePath().resolve("sources");
    }

    /** Unpacks an uploaded tar or tar.gz. @return the source's id and its size */
    public Stored store(String registry, InputStream archive) throws IOException {
        Path registryDir = root.resolve(registry);
        Files.createDirectories(registryDir);
        Path partial = Files.createTempDirectory(registryDir, ".upload-");
        try {
            long size = BuildContext.unpack(archive, partial, config.maxContextBytes());
            String id = UUID.randomUUID().toString();
            Files.move(partial, registryDir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            return new Stored(id, size);
        } catch (IOException | RuntimeException e) {
            Workspaces.delete(partial);
            throw e;
        }
    }

    public record Stored(String id, long bytes) {
    }

    /** The unpacked source, or null when there is none by that id (never uploaded, or expired). */
    public Path find(String registry, String id) {
        Path dir = root.resolve(registry).resolve(UUID.fromString(id).toString());
        return Files.isDirectory(dir) ? dir : null;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void removeExpired() {
        Instant before = Instant.now().minus(config.sourceRetention());
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> registries = Files.list(root)) {
            for (Path registry : registries.toList()) {
                try (Stream<Path> sources = Files.list(registry)) {
                    for (Path source : sources.toList()) {
                        if (Files.getLastModifiedTime(source).toInstant().isBefore(before)) {
                            Workspaces.delete(source);
                            LOG.infof("removed expired source %s/%s", registry.getFileName(), source.getFileName());
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot clean up sources under %s: %s", root, e.getMessage());
        }
    }
}
