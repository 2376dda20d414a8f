package dev.drydock.operations;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * No service answers with an HTML page: a request no route takes gets a JSON 404, and a failure that reaches Vert.x
 * (an exception no mapper knew, a body the framework refused) a JSON answer with its status. A 5xx logs an error id
 * with the stack trace, and the body names the id, so an operator finds the one from the other.
 */
@ApplicationScoped
public class JsonErrors {

    private static final Logger LOG = Logger.getLogger(JsonErrors.class);

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).failureHandler(JsonErrors::failed);
        router.route().order(Integer.MAX_VALUE).handler(ctx -> answer(ctx, 404,
                "nothing here: " + abbreviate(ctx.request().path())));
    }

    private static void failed(RoutingContext ctx) {
        if (ctx.failure() != null && DatabaseUnavailable.is(ctx.failure())) {
            LOG.warnf("%s %s: %s (%s)", ctx.request().method(), ctx.request().path(), DatabaseUnavailable.MESSAGE,
                    ctx.failure().getMessage());
            ctx.response().putHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER);
            answer(ctx, 503, DatabaseUnavailable.MESSAGE);
            return;
        }
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status >= 500) {
            String id = UUID.randomUUID().toString();
            LOG.errorf(ctx.failure(), "error id %s: %s %s failed", id, ctx.request().method(), ctx.request().path());
            answer(ctx, status, "internal error; error id " + id);
        } else {
            answer(ctx, status, ctx.failure() != null && ctx.failure().getMessage() != null
                    ? ctx.failure().getMessage() : "the request was refused (" + status + ")");
        }
    }

    private static void answer(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            if (!ctx.response().ended()) {
                ctx.response().reset();
            }
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().end();
            return;
        }
        // the raw URI chooses the shape: /v2/../x was normalized away from /v2, but its client speaks Distribution
        ctx.response().end(ErrorBodies.of(ctx.request().uri(), status, ErrorBodies.code(status), message).encode());
    }

    private static String abbreviate(String path) {
        return path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
