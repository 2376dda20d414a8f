package dev.drydock.operations;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every service's reactive PostgreSQL pool, with bounds Quarkus does not configure: a connection attempt gives up
 * after {@code drydock.database.connect-timeout}, and a request waiting for a connection of a full pool after
 * {@code drydock.database.acquire-timeout}. With the database stopped or frozen, a request then fails within seconds
 * ({@link DatabaseUnavailable}: 503 with Retry-After) instead of waiting as long as its client does.
 */
@Singleton
public class BoundedPgPool implements PgPoolCreator {

    private final Duration connect;
    private final Duration acquire;

    BoundedPgPool(@ConfigProperty(name = "drydock.database.connect-timeout", defaultValue = "5s") Duration connect,
            @ConfigProperty(name = "drydock.database.acquire-timeout", defaultValue = "5s") Duration acquire) {
        this.connect = connect;
        this.acquire = acquire;
    }

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        servers.forEach(options -> options.setConnectTimeout((int) connect.toMillis()));
        input.poolOptions().setConnectionTimeout((int) acquire.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(List.copyOf(servers)).using(input.vertx())
                .build();
    }
}
