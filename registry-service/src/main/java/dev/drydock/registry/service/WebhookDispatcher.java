package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.persistence.Webhooks;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends webhook deliveries. Rows are leased (their next attempt pushed past the request timeout) in a short
 * transaction, sent without holding it, then recorded: delivered on 2xx, else retried with doubling back-off until
 * the attempts run out. A replica that dies mid-send leaves a lease that expires, so deliveries are at least once;
 * receivers deduplicate by the payload's id (or X-Drydock-Delivery).
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final String SIGNATURE = "X-Drydock-Signature";
    private static final int BATCH = 20;
    /** The longest response body kept in the event log. */
    private static final int MAX_BODY = 4096;

    private final Pool pool;
    private final Webhooks webhooks;
    private final RegistryConfig.Webhooks config;
    private final HttpClient http;

    WebhookDispatcher(Pool pool, Webhooks webhooks, RegistryConfig config) {
        this.pool = pool;
        this.webhooks = webhooks;
        this.config = config.webhooks();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Scheduled(every = "${drydock.registry.webhooks.poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> dispatch() {
        Duration lease = config.timeout().multipliedBy(2);
        return pool.withTransaction(tx -> webhooks.lease(tx, BATCH, lease))
                .chain(due -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Webhooks.Due delivery : due) {
                        chain = chain.chain(() -> send(delivery));
                    }
                    return chain;
                })
                .onFailure().invoke(e -> LOG.warnf("webhook dispatch failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> send(Webhooks.Due delivery) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(delivery.webhook().headers());
        headers.put("X-Drydock-Delivery", delivery.id().toString());
        headers.put("X-Drydock-Event", delivery.action());
        if (delivery.webhook().secret() != null) {
            headers.put(SIGNATURE, "sha256=" + hmac(delivery.webhook().secret(), delivery.payload()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(delivery.webhook().uri()))
                .timeout(config.timeout())
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        Map<String, String> logged = masked(headers);
        return Uni.createFrom().completionStage(() -> http.sendAsync(request.build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)))
                .chain(response -> {
                    boolean ok = response.statusCode() / 100 == 2;
                    Map<String, String> responseHeaders = new LinkedHashMap<>();
                    response.headers().map().forEach((k, v) -> responseHeaders.put(k, String.join(", ", v)));
                    String body = response.body() == null ? null
                            : response.body().substring(0, Math.min(MAX_BODY, response.body().length()));
                    return record(delivery, ok, logged, response.statusCode(), reason(response.statusCode()),
                            responseHeaders, body, ok ? null : "HTTP " + response.statusCode());
                })
                .onFailure().recoverWithUni(e -> record(delivery, false, logged, null, null, null, null,
                        e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    private Uni<Void> record(Webhooks.Due delivery, boolean ok, Map<String, String> requestHeaders, Integer status,
            String reason, Map<String, String> responseHeaders, String body, String error) {
        int attempt = delivery.attempts() + 1;
        String state = ok ? "delivered" : attempt >= config.maxAttempts() ? "failed" : "pending";
        Duration retryIn = ok ? Duration.ZERO : config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        if (!ok) {
            LOG.infof("webhook %s %s delivery %s attempt %d failed (%s)%s", delivery.webhook().name(),
                    delivery.action(), delivery.id(), attempt, error,
                    state.equals("failed") ? "; giving up" : "; retrying in " + retryIn);
        }
        return pool.withTransaction(tx -> webhooks.recordAttempt(tx, delivery.id(), state, retryIn, requestHeaders,
                status, reason, responseHeaders, body, error));
    }

    /** Authorization and other credentials never reach the event log. */
    private static Map<String, String> masked(Map<String, String> headers) {
        Map<String, String> masked = new LinkedHashMap<>();
        headers.forEach((k, v) -> masked.put(k, List.of("authorization", "proxy-authorization")
                .contains(k.toLowerCase(Locale.ROOT)) ? "******" : v));
        return masked;
    }

    static String hmac(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(int status) {
        return switch (status / 100) {
            case 2 -> "OK";
            case 3 -> "Redirect";
            case 4 -> "Client Error";
            case 5 -> "Server Error";
            default -> null;
        };
    }
}
