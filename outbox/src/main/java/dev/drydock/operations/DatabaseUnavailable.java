package dev.drydock.operations;

import io.vertx.pgclient.PgException;

import java.net.SocketException;
import java.util.concurrent.TimeoutException;

/**
 * Whether a failure means "the database cannot be reached now" (stopped, restarting, frozen past the pool's
 * timeouts, out of connections): such requests are answered 503 with {@link #RETRY_AFTER}, and the service recovers
 * by itself when the database returns, rather than 500 as if Drydock were broken.
 */
public final class DatabaseUnavailable {

    /** Seconds a client should wait: about what a database restart takes. */
    public static final String RETRY_AFTER = "5";
    public static final String MESSAGE = "the database is unavailable; retry shortly";

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // a database killed mid-query resets its connections (SocketException: Connection reset)
            if (t instanceof SocketException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                // 08: connection exceptions, 57P: shutdown and crash recovery, 53: out of connections or memory,
                // 57014: a statement ended by statement_timeout (BoundedPgPool), which a retry may well pass
                return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.equals("57014");
            }
            String name = t.getClass().getSimpleName();
            // the SQL client's own: a closed connection, a pool that gave no connection in time
            if (name.equals("ClosedConnectionException") || name.equals("NoStackTraceTimeoutException")
                    || (name.equals("VertxException") || name.equals("NoStackTraceThrowable"))
                    && t.getMessage() != null && (t.getMessage().contains("Timeout")
                    || t.getMessage().contains("Connection is not active") || t.getMessage().contains("closed"))) {
                return true;
            }
        }
        return false;
    }
}
