package dev.drydock.operations;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * /q/metrics answers only the scraper: Basic credentials {@code metrics:<drydock.metrics.password>}. Metrics name
 * every route, pool and consumer of the service, so they are not for anonymous eyes; without a configured password
 * they are served to nobody. Shared by every service (they all carry this module).
 */
@ApplicationScoped
public class MetricsAccess {

    private static final Logger LOG = Logger.getLogger(MetricsAccess.class);
    static final String USER = "metrics";

    private final Optional<byte[]> expected;

    MetricsAccess(@ConfigProperty(name = "drydock.metrics.password") Optional<String> password) {
        this.expected = password.filter(p -> !p.isBlank())
                .map(p -> (USER + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    void install(@Observes Router router) {
        if (expected.isEmpty()) {
            LOG.info("/q/metrics is closed: set DRYDOCK_METRICS_PASSWORD (drydock.metrics.password) to scrape it"
                    + " as user metrics");
        }
        router.route("/q/metrics").order(Integer.MIN_VALUE).handler(this::check);
        router.route("/q/metrics/*").order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (expected.isPresent() && presented(ctx.request().getHeader("Authorization"))) {
            ctx.next();
            return;
        }
        String message = expected.isEmpty() ? "metrics are closed: no drydock.metrics.password is configured"
                : "metrics need the credentials of user metrics";
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"metrics\"")
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"code\":\"Unauthorized\",\"message\":\"" + message + "\"}}");
    }

    private boolean presented(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
            return MessageDigest.isEqual(decoded, expected.get());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
