package dev.drydock.registry.api.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.operations.DatabaseUnavailable;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.StorageFull;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

import java.util.Map;


/** Writes /v2 answers: JSON bodies and the spec's error body {@code {"errors":[{code, message, detail}]}}. */
final class OciResponses {

    private static final Logger LOG = Logger.getLogger(OciResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciResponses() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        json(ctx, status, body, "application/json");
    }

    static void json(RoutingContext ctx, int status, Object body, String contentType) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpServerResponse response = ctx.response().setStatusCode(status).putHeader("Content-Type", contentType);
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(bytes.length)).end();
        } else {
            response.end(Buffer.buffer(bytes));
        }
    }

    static void empty(RoutingContext ctx, int status) {
        ctx.response().setStatusCode(status).putHeader("Content-Length", "0").end();
    }

    static void error(RoutingContext ctx, Throwable failure) {
        if (ctx.response().ended()) {
            return;
        }
        if (clientLeft(failure)) {
            LOG.infof("%s %s: the client went away mid-request", ctx.request().method(), ctx.request().path());
            return;
        }
        RegistryException error = failure instanceof RegistryException r ? r : unexpected(ctx, failure);
        if (error.code() == ErrorCode.UNAVAILABLE) {
            LOG.warnf("%s %s: %s", ctx.request().method(), ctx.request().path(), error.getMessage());
        } else if (error.code().status() >= 500) {
            LOG.errorf("%s %s failed: %s", ctx.request().method(), ctx.request().path(), error.getMessage());
        } else {
            LOG.debugf("%s %s -> %d %s: %s", ctx.request().method(), ctx.request().path(), error.code().status(),
                    error.code(), error.getMessage());
        }
        HttpServerResponse response = ctx.response();
        error.headers().forEach(response::putHeader);
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.setStatusCode(error.code().status()).putHeader("Content-Length", "0").end();
            return;
        }
        if (!ctx.request().isEnded()) {
            // the body was not read: close the connection rather than read what we refused
            response.putHeader("Connection", "close");
        }
        json(ctx, error.code().status(), error.body());
    }

    /** The connection closed under the request (the client hung up, or the idle timeout cut a stalled one off). */
    private static boolean clientLeft(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    private static RegistryException unexpected(RoutingContext ctx, Throwable failure) {
        if (DatabaseUnavailable.is(failure)) {
            return new RegistryException(ErrorCode.UNAVAILABLE, DatabaseUnavailable.MESSAGE, null,
                    Map.of("Retry-After", DatabaseUnavailable.RETRY_AFTER));
        }
        if (StorageFull.is(failure)) {
            return new RegistryException(ErrorCode.UNAVAILABLE, StorageFull.MESSAGE, null,
                    Map.of("Retry-After", StorageFull.RETRY_AFTER));
        }
        LOG.errorf(failure, "%s %s failed unexpectedly", ctx.request().method(), ctx.request().path());
        return new RegistryException(ErrorCode.UNKNOWN, "internal error");
    }
}
