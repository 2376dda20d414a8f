package dev.drydock.outbox;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Refuses to start a service that would log in to Kafka without a password: without this check every consumer and
 * the relay would retry a failing login forever, and the one line that says why would be buried in client noise.
 */
@ApplicationScoped
public class KafkaLogin {

    private final String securityProtocol;
    private final String user;
    private final Optional<String> password;

    KafkaLogin(@ConfigProperty(name = "kafka.security.protocol", defaultValue = "PLAINTEXT") String securityProtocol,
            @ConfigProperty(name = "drydock.kafka.user") String user,
            @ConfigProperty(name = "drydock.kafka.password") Optional<String> password) {
        this.securityProtocol = securityProtocol;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        if (securityProtocol.startsWith("SASL") && password.filter(p -> !p.isBlank()).isEmpty()) {
            throw new IllegalStateException("Kafka needs the password of principal " + user
                    + ": set DRYDOCK_KAFKA_PASSWORD (drydock.kafka.password)");
        }
    }
}
