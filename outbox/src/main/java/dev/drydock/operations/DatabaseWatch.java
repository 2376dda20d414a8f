package dev.drydock.operations;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Whether the database answers, asked once a second on a connection of its own (not the pool's: a busy pool must not
 * look like a dead database). A question unanswered for {@link #PATIENCE_MILLIS}, or a failed one, means it does not:
 * {@link RequestDeadline} then answers requests that wait for it 503 after seconds instead of half a minute, which is
 * what a frozen database needs (a query sent to it neither fails nor times out on the client). One line is logged
 * when the database stops answering and one when it is back.
 */
@ApplicationScoped
public class DatabaseWatch {

    private static final Logger LOG = Logger.getLogger(DatabaseWatch.class);
    static final long INTERVAL_MILLIS = 1000;
    static final long PATIENCE_MILLIS = 2000;
    static final long ABANDON_MILLIS = 30_000;

    private final Vertx vertx;
    private final BoundedPgPool pool;
    private volatile SqlConnection connection;
    private volatile boolean connecting;
    private volatile long askedAt;
    private volatile boolean failed;
    private volatile boolean reportedDown;

    DatabaseWatch(Vertx vertx, BoundedPgPool pool) {
        this.vertx = vertx;
        this.pool = pool;
    }

    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(INTERVAL_MILLIS, id -> ask());
    }

    /** True while the last question failed or has waited past its patience. */
    public boolean unavailable() {
        long asked = askedAt;
        return failed || asked != 0 && System.nanoTime() - asked > PATIENCE_MILLIS * 1_000_000;
    }

    private void ask() {
        report();
        long asked = askedAt;
        if (asked != 0 && connection != null && System.nanoTime() - asked > ABANDON_MILLIS * 1_000_000) {
            // a database that vanished without a word (no reset, no answer): try a new connection
            connection.close();
            connection = null;
            askedAt = 0;
        }
        if (askedAt != 0 || connecting) {
            return;
        }
        if (connection == null) {
            pool.connectOptions().ifPresent(options -> {
                connecting = true;
                askedAt = System.nanoTime();
                PgConnection.connect(vertx, options).onComplete(result -> {
                    connecting = false;
                    askedAt = 0;
                    if (result.succeeded()) {
                        connection = result.result();
                        connection.closeHandler(v -> connection = null);
                    } else {
                        answered(false);
                    }
                });
            });
            return;
        }
        askedAt = System.nanoTime();
        connection.query("select 1").execute().onComplete(result -> {
            askedAt = 0;
            answered(result.succeeded());
            if (result.failed() && connection != null) {
                connection.close();
                connection = null;
            }
        });
    }

    private void answered(boolean ok) {
        failed = !ok;
        report();
    }

    private void report() {
        boolean down = unavailable();
        if (down != reportedDown) {
            reportedDown = down;
            if (down) {
                LOG.warn("the database does not answer; requests waiting for it get 503 after seconds");
            } else {
                LOG.info("the database answers again");
            }
        }
    }
}
