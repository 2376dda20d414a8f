package dev.drydock.operations;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * No request waits longer than its deadline for an answer to begin: a request whose response has not started by
 * then (a database frozen mid-query, a dependency that never answers) is answered 503 with Retry-After and its
 * connection closed, whatever it was waiting for; while the {@link DatabaseWatch} finds the database silent, that
 * deadline is {@code drydock.http.outage-deadline} (5 s) instead of {@code drydock.http.deadline} (30 s). Readiness gets a deadline of its own (a probe must answer within
 * a second, whatever the database does). Requests that wait by design are left alone: uploads (a body over 64 KiB
 * or chunked), followed logs, exec (bounded by its own timeout), import and garbage collection.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);

    private final Vertx vertx;
    private final DatabaseWatch database;
    private final long deadline;
    private final long probeDeadline;
    private final long outageDeadline;

    RequestDeadline(Vertx vertx, DatabaseWatch database,
            @ConfigProperty(name = "drydock.http.deadline", defaultValue = "30s") Duration deadline,
            @ConfigProperty(name = "drydock.http.probe-deadline", defaultValue = "1s") Duration probeDeadline,
            @ConfigProperty(name = "drydock.http.outage-deadline", defaultValue = "5s") Duration outageDeadline) {
        this.vertx = vertx;
        this.database = database;
        this.deadline = deadline.toMillis();
        this.probeDeadline = probeDeadline.toMillis();
        this.outageDeadline = outageDeadline.toMillis();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::arm);
        Infrastructure.setDroppedExceptionHandler(RequestDeadline::dropped);
    }

    /**
     * A handler that finally answers a request this deadline answered already finds the response sent; the framework
     * would log that as an error with its stack trace, though it is the expected end of a late answer.
     */
    private static void dropped(Throwable failure) {
        if (failure instanceof IllegalStateException && failure.getMessage() != null
                && (failure.getMessage().contains("head already sent")
                        || failure.getMessage().contains("already been written"))) {
            LOG.debugf("a late answer was dropped: %s", failure.getMessage());
        } else {
            LOG.error("Mutiny had to drop the following exception", failure);
        }
    }

    private void arm(RoutingContext ctx) {
        String path = ctx.request().path();
        if (waitsByDesign(ctx, path)) {
            if (following(ctx)) {
                QuietStreams.keepOpenWhileQuiet(ctx);
            }
            ctx.next();
            return;
        }
        boolean probe = path.startsWith("/q/health");
        long wait = probe ? probeDeadline : deadline;
        long timer = vertx.setTimer(wait, id -> expire(ctx, probe, wait));
        // while the database does not answer, a request that waits this long waits for it
        long outage = probe ? timer : vertx.setTimer(outageDeadline, id -> {
            if (database.unavailable()) {
                expire(ctx, false, outageDeadline);
            }
        });
        ctx.addEndHandler(done -> {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(outage);
        });
        ctx.next();
    }

    private static boolean waitsByDesign(RoutingContext ctx, String path) {
        return path.contains("/exec") || path.endsWith("/import") || path.equals("/api/v1/gc") || following(ctx)
                || largeBody(ctx);
    }

    private static boolean following(RoutingContext ctx) {
        String query = ctx.request().query();
        return query != null && query.contains("follow=true");
    }

    /** An upload: as slow as its client, so no deadline (a small body is read long before one). */
    private static boolean largeBody(RoutingContext ctx) {
        if ("chunked".equalsIgnoreCase(ctx.request().getHeader("Transfer-Encoding"))) {
            return true;
        }
        String length = ctx.request().getHeader("Content-Length");
        try {
            return length != null && Long.parseLong(length.strip()) > 64 * 1024;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void expire(RoutingContext ctx, boolean probe, long waited) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            // answering already, or gone
            return;
        }
        LOG.warnf("%s %s: no answer within %d ms; 503", ctx.request().method(), ctx.request().path(), waited);
        ctx.response().setStatusCode(503).putHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER)
                .putHeader("Content-Type", "application/json").putHeader("Connection", "close");
        String body = probe ? "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"deadline\",\"status\":\"DOWN\"}]}"
                : ErrorBodies.of(ctx.request().uri(), 503, "ServiceUnavailable",
                        "no answer within " + (waited / 1000) + " s: " + (database.unavailable()
                                ? "the database is not answering" : "a dependency is not answering") + "; retry shortly")
                        .encode();
        ctx.response().end(body);
    }
}
