package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.Sku;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ACR's data-plane throttling per identity: a token bucket per registry, identity and category (read, write,
 * delete) holding a minute's worth of requests and refilling continuously. A request over the limit gets 429 with a
 * Retry-After that counts down to when the bucket has a request again. All anonymous requests share one identity,
 * as on ACR. Buckets are per replica.
 */
@ApplicationScoped
public class RateLimiter {

    public enum Category { READ, WRITE, DELETE }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long updated;

        Bucket(double perMinute, long now) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
            this.updated = now;
        }

        /** @return 0 when taken, else the nanoseconds until one is available */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * perNano);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean idle(long now) {
            return tokens + (now - updated) * perNano >= capacity;
        }
    }

    private final double scale;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(RegistryConfig config) {
        this.scale = config.auth().rateLimitScale();
    }

    public void acquire(Registry registry, String subject, Category category) {
        if (scale <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (buckets.size() > 50_000) {
            buckets.values().removeIf(b -> b.idle(now));
        }
        Bucket bucket = buckets.computeIfAbsent(registry.id() + "/" + category + "/" + subject,
                k -> new Bucket(Math.max(1, perMinute(registry.sku(), category) * scale), now));
        long wait = bucket.take(now);
        if (wait > 0) {
            long seconds = Math.max(1, (long) Math.ceil(wait / 1e9));
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS, subject.isEmpty() ? "too many requests"
                    : "too many " + category.name().toLowerCase(Locale.ROOT) + " requests from "
                    + subject + "; retry in " + seconds + " s", null, Map.of("Retry-After", String.valueOf(seconds)));
        }
    }

    static double perMinute(Sku sku, Category category) {
        boolean premium = sku == Sku.Premium;
        return switch (category) {
            case READ -> premium ? 10_000 : 5_000;
            case WRITE -> premium ? 2_000 : 1_000;
            case DELETE -> premium ? 2_000 : 500;
        };
    }

    public static Category categoryOf(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> Category.READ;
            case "DELETE" -> Category.DELETE;
            default -> Category.WRITE;
        };
    }
}
