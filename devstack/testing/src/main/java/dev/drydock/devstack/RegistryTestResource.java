package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The devstack plus a real registry service, started from its built jar with authentication on and its own database
 * on the same PostgreSQL, for services whose tests push to or pull from a registry. Its URL is the config key
 * {@code drydock.test.registry-url}. One per test JVM (GLOBAL scope).
 */
public class RegistryTestResource extends DevStackTestResource {

    public static final String ADMIN = "drydock-admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String TASK_SERVICE_SECRET = "test-task-service-secret";
    public static final String INSTANCE_SERVICE_SECRET = "test-instance-service-secret";

    private SiblingService registry;
    private final java.util.List<SiblingService> siblings = new java.util.ArrayList<>();
    private Path home;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            home = Files.createTempDirectory("drydock-registry-test-");
            // a task service's build account reaches its directories under a sibling's data directory through here
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = serviceEnvironment("registry", KafkaPrincipals.REGISTRY);
        env.put("DRYDOCK_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("DRYDOCK_TASK_SERVICE_SECRET", TASK_SERVICE_SECRET);
        env.put("DRYDOCK_INSTANCE_SERVICE_SECRET", INSTANCE_SERVICE_SECRET);
        registry = SiblingService.start("registry-service", env, home);
        config.put("drydock.test.registry-url", registry.url());
        return config;
    }

    /**
     * What a sibling service of {@code name} needs: a database of its own, the Kafka broker and its login there, a
     * data directory in {@link #home()}.
     */
    protected Map<String, String> serviceEnvironment(String name, String kafkaPrincipal) {
        String database = createDatabase(name);
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:" + database);
        env.put("QUARKUS_DATASOURCE_USERNAME", databaseUser(name));
        env.put("QUARKUS_DATASOURCE_PASSWORD", databasePassword(name));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("DRYDOCK_KAFKA_PASSWORD", kafkaLogin(kafkaPrincipal).password());
        env.put("DRYDOCK_DATA_DIR", home.resolve(name).toString());
        return env;
    }

    /**
     * Starts another service from its packaged jar beside the registry: its own database, Kafka, the registry's URL
     * and the service secrets; stopped with this resource.
     */
    protected SiblingService startSibling(String module, String name, Map<String, String> extra) {
        Map<String, String> env = serviceEnvironment(name, module);
        env.put("DRYDOCK_REGISTRY_URL", registry.url());
        env.put("DRYDOCK_TASK_SERVICE_SECRET", TASK_SERVICE_SECRET);
        env.put("DRYDOCK_INSTANCE_SERVICE_SECRET", INSTANCE_SERVICE_SECRET);
        env.putAll(extra);
        SiblingService sibling = SiblingService.start(module, env, home);
        siblings.add(sibling);
        return sibling;
    }

    /** A private directory of this test JVM, removed at the end. */
    protected Path home() {
        return home;
    }

    @Override
    public void stop() {
        // services that use the registry go first
        for (int i = siblings.size() - 1; i >= 0; i--) {
            siblings.get(i).close();
        }
        siblings.clear();
        if (registry != null) {
            registry.close();
        }
        super.stop();
        Directories.deleteRecursively(home);
    }
}
