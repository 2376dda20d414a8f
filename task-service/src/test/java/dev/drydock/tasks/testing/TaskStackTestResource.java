package dev.drydock.tasks.testing;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.SiblingService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL and Kafka (from the devstack) plus a real registry service with authentication on, which the task
 * service under test pushes to with its service identity. One per test JVM (GLOBAL scope).
 */
public class TaskStackTestResource extends DevStackTestResource {

    public static final String ADMIN = "drydock-admin";
    public static final String ADMIN_PASSWORD = "tasks-test-admin-password";
    static final String SERVICE_SECRET = "tasks-test-service-secret";

    private SiblingService registry;
    private Path home;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            home = Files.createTempDirectory("drydock-tasks-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String database = createDatabase("registry");
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:" + database);
        env.put("QUARKUS_DATASOURCE_USERNAME", databaseUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", databasePassword());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("DRYDOCK_DATA_DIR", home.resolve("registry").toString());
        env.put("DRYDOCK_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("DRYDOCK_TASK_SERVICE_SECRET", SERVICE_SECRET);
        registry = SiblingService.start("registry-service", env, home);
        config.put("drydock.tasks.registry.url", registry.url());
        config.put("drydock.tasks.registry.service-secret", SERVICE_SECRET);
        config.put("drydock.tasks.data-dir", home.resolve("tasks").toString());
        return config;
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
        super.stop();
        if (home != null) {
            try (Stream<Path> paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
