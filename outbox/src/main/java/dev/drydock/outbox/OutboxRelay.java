package dev.drydock.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes committed outbox rows to Kafka and marks them sent, on a thread of its own. A commit that wrote an event
 * wakes it through LISTEN/NOTIFY, so publishing follows the commit at once; a slow poll covers a lost notification.
 * <p>
 * Each batch is claimed with {@code FOR UPDATE SKIP LOCKED} inside one database transaction that stays open until
 * Kafka has acknowledged every record, so replicas never publish the same row at the same time, and a failure
 * (Kafka down, a crash) leaves the rows unsent for the next attempt. The guarantee is at-least-once, in order per
 * key; consumers drop the rare duplicate by CloudEvent id (see {@link IdempotentConsumer}).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    private final Pool pool;
    private final io.vertx.core.Vertx vertx;
    private final OutboxConfig config;
    private final Map<String, Object> kafka;
    private final Counter published;
    private final Counter failures;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread thread;
    private KafkaEventPublisher publisher;
    private io.vertx.pgclient.pubsub.PgSubscriber subscriber;

    /**
     * @param kafka the {@code kafka.*} configuration the service's consumers use too (brokers, login), so the
     *              relay logs in as the same principal
     */
    OutboxRelay(Pool pool, io.vertx.core.Vertx vertx, OutboxConfig config, MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.kafka = kafka;
        this.published = Counter.builder("drydock.outbox.published")
                .description("Events the outbox relay published to Kafka").register(registry);
        this.failures = Counter.builder("drydock.outbox.publish.failures")
                .description("Relay batches that Kafka did not acknowledge in time (retried later)").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            LOG.info("outbox relay disabled on this replica");
            return;
        }
        publisher = new KafkaEventPublisher(kafka, config.sendTimeout());
        listen();
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (thread == null) {
            return;
        }
        running = false;
        wake();
        try {
            thread.join(config.sendTimeout().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        if (subscriber != null) {
            subscriber.close();
        }
    }

    /** Subscribes to commit notifications; the listener reconnects by itself, polling covers the gaps. */
    private void listen() {
        io.vertx.pgclient.PgConnectOptions options = io.vertx.pgclient.PgConnectOptions.fromUri(config.listenUrl())
                .setUser(config.listenUser()).setPassword(config.listenPassword());
        subscriber = io.vertx.pgclient.pubsub.PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> 1000L);
        subscriber.channel(OutboxStore.CHANNEL).handler(payload -> wake());
        subscriber.connect().onFailure(e -> LOG.warnf(
                "outbox relay: cannot listen for commits (%s); polling every %s", e.getMessage(), config.idlePoll()));
    }

    /** Asks the relay to look for rows now instead of at its next poll. */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        Duration idle = config.idlePoll();
        Duration backoff = idle;
        boolean failing = false;
        Instant nextCleanup = Instant.now();
        while (running) {
            try {
                int published = relayBatch();
                if (failing) {
                    LOG.infof("outbox relay: Kafka reachable again, publishing resumed");
                    failing = false;
                }
                backoff = idle;
                if (Instant.now().isAfter(nextCleanup)) {
                    removeExpired();
                    nextCleanup = Instant.now().plus(CLEANUP_EVERY);
                }
                if (published == config.batchSize()) {
                    continue;
                }
            } catch (KafkaEventPublisher.PublishException e) {
                failures.increment();
                if (!failing) {
                    LOG.warnf("outbox relay: cannot publish to Kafka (%s); events stay in the outbox and are retried",
                            e.getMessage());
                    failing = true;
                }
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("outbox relay: database unavailable (%s); retrying", e.getMessage());
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
            }
            awaitWork(backoff);
        }
    }

    /** One claimed batch, published and marked sent in one transaction; returns how many rows it held. */
    int relayBatch() throws KafkaEventPublisher.PublishException {
        Duration dbTimeout = Duration.ofSeconds(30);
        SqlConnection connection = pool.getConnection().await().atMost(dbTimeout);
        try {
            Transaction tx = connection.begin().await().atMost(dbTimeout);
            try {
                List<OutboxEvent> batch = new ArrayList<>();
                for (Row row : connection.preparedQuery("""
                        select id, event_id, type, topic, event_key, source, subject, payload, created_at
                        from outbox_event where sent_at is null order by id limit $1 for update skip locked""")
                        .execute(Tuple.of(config.batchSize())).await().atMost(dbTimeout)) {
                    batch.add(new OutboxEvent(row.getLong("id"), row.getUUID("event_id"), row.getString("type"),
                            row.getString("topic"), row.getString("event_key"), row.getString("source"),
                            row.getString("subject"), row.getString("payload"),
                            row.getOffsetDateTime("created_at").toInstant()));
                }
                if (!batch.isEmpty()) {
                    publisher.publish(batch);
                    Long[] ids = batch.stream().map(OutboxEvent::id).toArray(Long[]::new);
                    connection.preparedQuery("update outbox_event set sent_at = now() where id = any($1)")
                            .execute(Tuple.of(ids)).await().atMost(dbTimeout);
                }
                tx.commit().await().atMost(dbTimeout);
                published.increment(batch.size());
                return batch.size();
            } catch (KafkaEventPublisher.PublishException | RuntimeException e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(dbTimeout);
                throw e;
            }
        } finally {
            connection.close().onFailure().recoverWithNull().await().atMost(dbTimeout);
        }
    }

    private void removeExpired() {
        OffsetDateTime horizon = OffsetDateTime.now().minus(config.retention());
        pool.preparedQuery("delete from outbox_event where sent_at < $1").execute(Tuple.of(horizon))
                .chain(() -> pool.preparedQuery("delete from processed_event where processed_at < $1")
                        .execute(Tuple.of(horizon)))
                .await().atMost(Duration.ofSeconds(60));
    }

    private void awaitWork(Duration timeout) {
        lock.lock();
        try {
            if (!wakeRequested && running) {
                work.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            wakeRequested = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
