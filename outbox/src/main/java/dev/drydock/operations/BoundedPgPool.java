package dev.drydock.operations;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Every service's reactive PostgreSQL pool, with bounds Quarkus does not configure: a connection attempt gives up
 * after {@code drydock.database.connect-timeout}, and a request waiting for a connection of a full pool after
 * {@code drydock.database.acquire-timeout}. With the database stopped or frozen, a request then fails within seconds
 * ({@link DatabaseUnavailable}: 503 with Retry-After) instead of waiting as long as its client does. The server ends
 * a statement that runs longer than {@code drydock.database.statement-timeout}, and a session that sits in an open
 * transaction that long (both PostgreSQL settings of the session), so that neither holds locks for ever.
 */
@Singleton
public class BoundedPgPool implements PgPoolCreator {

    private final Duration connect;
    private final Duration acquire;
    private final Duration statement;
    private volatile PgConnectOptions options;

    BoundedPgPool(@ConfigProperty(name = "drydock.database.connect-timeout", defaultValue = "5s") Duration connect,
            @ConfigProperty(name = "drydock.database.acquire-timeout", defaultValue = "5s") Duration acquire,
            @ConfigProperty(name = "drydock.database.statement-timeout", defaultValue = "60s") Duration statement) {
        this.connect = connect;
        this.acquire = acquire;
        this.statement = statement;
    }

    /** How the pool connects, once it exists: for a connection of its own that watches the database. */
    Optional<PgConnectOptions> connectOptions() {
        return Optional.ofNullable(options);
    }

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        String statementMillis = String.valueOf(statement.toMillis());
        servers.forEach(options -> options.setConnectTimeout((int) connect.toMillis())
                .addProperty("statement_timeout", statementMillis)
                .addProperty("idle_in_transaction_session_timeout", statementMillis));
        options = new PgConnectOptions(servers.get(0));
        input.poolOptions().setConnectionTimeout((int) acquire.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(List.copyOf(servers)).using(input.vertx())
                .build();
    }
}
