package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.auth.PasswordHash;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The bootstrap administrator's password: from configuration, or else from the file a first start generated it
 * into (mode 600). It is never logged; the log says where the file is.
 */
@ApplicationScoped
@Startup
public class AdministratorCredential {

    private static final Logger LOG = Logger.getLogger(AdministratorCredential.class);

    private final String user;
    private final Optional<String> password;

    AdministratorCredential(RegistryConfig config) {
        RegistryConfig.Auth auth = config.auth();
        this.user = auth.managementUser();
        Optional<String> configured = auth.managementPassword().filter(p -> !p.isBlank());
        if (configured.isPresent()) {
            this.password = configured;
        } else if (auth.enabled()) {
            this.password = Optional.of(fromFile(auth.managementPasswordFile().toAbsolutePath()));
        } else {
            this.password = Optional.empty();
        }
    }

    private static String fromFile(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            String generated = PasswordHash.generate();
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            LOG.infof("generated the administrator's password into %s", file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the administrator's password file " + file, e);
        }
    }

    public String user() {
        return user;
    }

    public boolean matches(String candidateUser, String candidatePassword) {
        return user.equals(candidateUser) && candidatePassword != null && password
                .map(p -> PasswordHash.constantTimeEquals(p, candidatePassword)).orElse(false);
    }
}
