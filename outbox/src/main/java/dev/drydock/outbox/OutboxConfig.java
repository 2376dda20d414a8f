package dev.drydock.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "drydock.outbox")
public interface OutboxConfig {

    /** The CloudEvent source of events this service writes, such as /drydock/registry-service. */
    @WithDefault("/drydock/${quarkus.application.name}")
    String source();

    /** Whether this replica runs the relay; several replicas may, they never publish a row twice at once. */
    @WithDefault("true")
    boolean relayEnabled();

    /**
     * How often the relay looks for rows when nothing woke it. Commits wake it at once through PostgreSQL's
     * LISTEN/NOTIFY, so this only bounds the delay when a notification is lost (a dropped listener connection).
     */
    @WithDefault("1s")
    Duration idlePoll();

    /** The relay's listener connection (LISTEN drydock_outbox): the service's own database. */
    @WithDefault("${quarkus.datasource.reactive.url}")
    String listenUrl();

    @WithDefault("${quarkus.datasource.username}")
    String listenUser();

    @WithDefault("${quarkus.datasource.password}")
    String listenPassword();

    /** Rows published per relay transaction. */
    @WithDefault("200")
    int batchSize();

    /** How long the relay waits for Kafka before it gives the batch back and retries on a later tick. */
    @WithDefault("10s")
    Duration sendTimeout();

    /** How long published rows and processed-event ids are kept (the window within which redelivery is detected). */
    @WithDefault("7d")
    Duration retention();
}
