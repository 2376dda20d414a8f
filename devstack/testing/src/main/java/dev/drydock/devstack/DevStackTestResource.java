package dev.drydock.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Real PostgreSQL and Kafka for a Quarkus test JVM, started once (use it with {@code scope = GLOBAL}).
 * <p>
 * By default it starts both servers itself, in parallel, in a temporary directory. To reuse servers that already
 * run, set {@code TEST_PG_URL} (a reactive URL such as {@code postgresql://127.0.0.1:5432/postgres}, with
 * {@code TEST_PG_USER}/{@code TEST_PG_PASSWORD}) and {@code TEST_KAFKA_BOOTSTRAP}; each test JVM then gets a fresh
 * database of its own on that server, dropped at the end.
 */
public class DevStackTestResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(DevStackTestResource.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private Infrastructure infrastructure;
    private Path home;
    private String externalServerUrl;
    private String externalDatabase;

    @Override
    public Map<String, String> start() {
        long started = System.nanoTime();
        Map<String, String> config = new HashMap<>();
        String pgUrl = System.getenv("TEST_PG_URL");
        String kafkaBootstrap = System.getenv("TEST_KAFKA_BOOTSTRAP");
        String user = PostgresServer.USER;
        String password = PostgresServer.PASSWORD;
        String reactiveUrl;
        if (pgUrl != null && kafkaBootstrap != null) {
            user = envOr("TEST_PG_USER", user);
            password = envOr("TEST_PG_PASSWORD", password);
            externalServerUrl = "jdbc:" + pgUrl;
            externalDatabase = "drydock_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            executeOnExternal("create database " + externalDatabase, user, password);
            reactiveUrl = pgUrl.substring(0, pgUrl.lastIndexOf('/') + 1) + externalDatabase;
            KafkaBroker.createTopics(kafkaBootstrap, Infrastructure.TOPICS);
        } else {
            try {
                home = Files.createTempDirectory("drydock-devstack-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            infrastructure = Infrastructure.start(home, 0, 0, false, START_TIMEOUT);
            infrastructure.postgres().createDatabase("drydock");
            reactiveUrl = infrastructure.postgres().reactiveUrl("drydock");
            kafkaBootstrap = infrastructure.kafka().bootstrapServers();
            DevStackControl.register(infrastructure);
        }
        config.put("quarkus.datasource.reactive.url", reactiveUrl);
        config.put("quarkus.datasource.jdbc.url", "jdbc:" + reactiveUrl);
        config.put("quarkus.datasource.username", user);
        config.put("quarkus.datasource.password", password);
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
        LOG.info(() -> "devstack ready in %d ms: %s, kafka %s".formatted(
                (System.nanoTime() - started) / 1_000_000, config.get("quarkus.datasource.reactive.url"),
                config.get("kafka.bootstrap.servers")));
        return config;
    }

    @Override
    public void stop() {
        if (infrastructure != null) {
            DevStackControl.unregister();
            infrastructure.close();
            Directories.deleteRecursively(home);
        }
        if (externalDatabase != null) {
            executeOnExternal("drop database if exists " + externalDatabase + " with (force)",
                    envOr("TEST_PG_USER", PostgresServer.USER), envOr("TEST_PG_PASSWORD", PostgresServer.PASSWORD));
        }
    }

    private void executeOnExternal(String sql, String user, String password) {
        try (Connection c = DriverManager.getConnection(externalServerUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("TEST_PG_URL server refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
