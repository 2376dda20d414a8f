package dev.drydock.registry.storage;

import dev.drydock.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Readiness: the blob store takes a write (a full disk or a read-only mount makes the registry not ready). */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {

    static final String NAME = "registry-storage";

    private final Path root;

    StorageHealthCheck(RegistryConfig config) {
        this.root = config.storageRoot().toAbsolutePath().normalize();
    }

    @Override
    public HealthCheckResponse call() {
        Path probe = root.resolve("uploads").resolve(".health-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.SYNC);
            Files.delete(probe);
            return HealthCheckResponse.named(NAME).up().withData("root", root.toString())
                    .withData("usableBytes", Files.getFileStore(root).getUsableSpace()).build();
        } catch (IOException e) {
            return HealthCheckResponse.named(NAME).down().withData("root", root.toString())
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
