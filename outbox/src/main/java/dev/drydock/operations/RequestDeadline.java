package dev.drydock.operations;

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
 * connection closed, whatever it was waiting for. Readiness gets a deadline of its own (a probe must answer within
 * a second, whatever the database does). Requests that wait by design are left alone: uploads (a body over 64 KiB
 * or chunked), followed logs, exec (bounded by its own timeout), import and garbage collection.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);

    private final Vertx vertx;
    private final long deadline;
    private final long probeDeadline;

    RequestDeadline(Vertx vertx,
            @ConfigProperty(name = "drydock.http.deadline", defaultValue = "30s") Duration deadline,
            @ConfigProperty(name = "drydock.http.probe-deadline", defaultValue = "1s") Duration probeDeadline) {
        this.vertx = vertx;
        this.deadline = deadline.toMillis();
        this.probeDeadline = probeDeadline.toMillis();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::arm);
    }

    private void arm(RoutingContext ctx) {
        String path = ctx.request().path();
        if (waitsByDesign(ctx, path)) {
            ctx.next();
            return;
        }
        boolean probe = path.startsWith("/q/health");
        long timer = vertx.setTimer(probe ? probeDeadline : deadline, id -> expire(ctx, probe));
        ctx.addEndHandler(done -> vertx.cancelTimer(timer));
        ctx.next();
    }

    private static boolean waitsByDesign(RoutingContext ctx, String path) {
        String query = ctx.request().query();
        return path.contains("/exec") || path.endsWith("/import") || path.equals("/api/v1/gc")
                || (query != null && query.contains("follow=true")) || largeBody(ctx);
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

    private void expire(RoutingContext ctx, boolean probe) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            // answering already, or gone
            return;
        }
        LOG.warnf("%s %s: no answer within %d ms; 503", ctx.request().method(), ctx.request().path(),
                probe ? probeDeadline : deadline);
        ctx.response().setStatusCode(503).putHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER)
                .putHeader("Content-Type", "application/json").putHeader("Connection", "close");
        String body = probe ? "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"deadline\",\"status\":\"DOWN\"}]}"
                : ErrorBodies.of(ctx.request().uri(), 503, "ServiceUnavailable",
                        "no answer within " + (deadline / 1000) + " s: a dependency (the database?) is not answering;"
                                + " retry shortly").encode();
        ctx.response().end(body);
    }
}
