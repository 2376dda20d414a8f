package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.auth.PasswordHash;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * The bootstrap administrator's password: from configuration, or else from the file a first start generated it
 * into (mode 600). It is never logged; the log says where the file is.
 */
@ApplicationScoped
@Startup
public class AdministratorCredential {

    private final String user;
    private final Optional<String> password;

    AdministratorCredential(RegistryConfig config) {
        RegistryConfig.Auth auth = config.auth();
        this.user = auth.managementUser();
        Optional<String> configured = auth.managementPassword().filter(p -> !p.isBlank());
        if (configured.isPresent()) {
            this.password = configured;
        } else if (auth.enabled()) {
            this.password = Optional.of(SecretFile.readOrCreate(auth.managementPasswordFile().toAbsolutePath(),
                    "the administrator's password", PasswordHash::generate));
        } else {
            this.password = Optional.empty();
        }
    }

    public String user() {
        return user;
    }

    /** What tokens of the administrator name as its generation: a new password ends them. */
    public String fingerprint() {
        return password.map(SecretFingerprint::of).orElse("");
    }

    public boolean matches(String candidateUser, String candidatePassword) {
        return user.equals(candidateUser) && candidatePassword != null && password
                .map(p -> PasswordHash.constantTimeEquals(p, candidatePassword)).orElse(false);
    }
}
