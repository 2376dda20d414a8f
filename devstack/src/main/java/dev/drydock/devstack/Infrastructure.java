package dev.drydock.devstack;

import dev.drydock.events.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * PostgreSQL and Kafka started together (in parallel) under one directory, and stopped together: Kafka first, so
 * that nothing is left writing to a database that is going away.
 */
public final class Infrastructure implements AutoCloseable {

    /** Every Drydock topic, created before any service starts. */
    public static final Map<String, Integer> TOPICS =
            Topics.ALL.stream().collect(Collectors.toMap(Function.identity(), t -> 3));

    private final PostgresServer postgres;
    private final KafkaBroker kafka;

    private Infrastructure(PostgresServer postgres, KafkaBroker kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /**
     * Starts both servers under {@code home} (created if needed). Ports of 0 mean any free port.
     *
     * @param durable false for test runs: PostgreSQL skips fsync
     */
    public static Infrastructure start(Path home, int pgPort, int kafkaPort, boolean durable, Duration timeout) {
        return start(home, pgPort, kafkaPort, durable, null, timeout);
    }

    /** @param site this site's part in geo-replication, or null */
    public static Infrastructure start(Path home, int pgPort, int kafkaPort, boolean durable, SiteSettings site,
            Duration timeout) {
        makeTraversable(home);
        PostgresServer postgres = new PostgresServer(home.resolve("postgres"), orFree(pgPort), durable);
        // a fixed broker port brings a fixed controller port beside it, so a restarted stack looks the same
        KafkaBroker kafka = new KafkaBroker(home.resolve("kafka"), orFree(kafkaPort),
                kafkaPort == 0 ? Ports.free() : kafkaPort + 1);
        if (site != null) {
            kafka.site(site.replicationSecret(), List.copyOf(site.peerKafka().keySet()));
        }
        Infrastructure infra = new Infrastructure(postgres, kafka);
        try {
            CompletableFuture<Void> pg = CompletableFuture.runAsync(() -> postgres.start(timeout));
            CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> {
                kafka.start(timeout);
                kafka.createTopics(TOPICS);
                if (site != null) {
                    // the peers' mirrored events, as many partitions as their source: the registry service may read
                    // them (not create them), and MirrorMaker fills them
                    kafka.createTopics(site.peerKafka().keySet().stream().collect(Collectors.toMap(
                            peer -> peer + "." + Topics.REGISTRY_EVENTS, peer -> TOPICS.get(Topics.REGISTRY_EVENTS))));
                }
            });
            CompletableFuture.allOf(pg, broker).join();
            return infra;
        } catch (CompletionException e) {
            infra.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static int orFree(int port) {
        return port == 0 ? Ports.free() : port;
    }

    /** As root, PostgreSQL runs as the postgres user, which must be able to reach its data directory. */
    private static void makeTraversable(Path home) {
        try {
            Files.createDirectories(home);
            if (Processes.isRoot()) {
                Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home, e);
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    @Override
    public void close() {
        kafka.close();
        postgres.close();
    }
}
