package dev.drydock.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.events.EventTypes;
import dev.drydock.events.registry.AttributesChanged;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.events.registry.ImageDeleted;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.registry.TagDeleted;
import dev.drydock.outbox.OutboxWriter;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.Webhook;
import dev.drydock.registry.persistence.Webhooks;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Announces registry changes inside the transaction that makes them: a CloudEvent through the outbox, and a
 * delivery row for every webhook that hears of it. Both exist if and only if the change commits.
 */
@ApplicationScoped
public class ImageEvents {

    /** What a webhook payload's target says about the image. */
    public record Target(String repository, String tag, String digest, String mediaType, long size) {
    }

    private final OutboxWriter outbox;
    private final Webhooks webhooks;
    private final ObjectMapper json;

    ImageEvents(OutboxWriter outbox, Webhooks webhooks, ObjectMapper json) {
        this.outbox = outbox;
        this.webhooks = webhooks;
        this.json = json;
    }

    public Uni<Void> pushed(SqlConnection tx, Registry registry, ImagePushed event, Origin origin) {
        Target target = new Target(event.repository(), event.tag(), event.digest(), event.mediaType(), event.size());
        return outbox.append(tx, EventTypes.IMAGE_PUSHED, event, subject(event.repository(), event.tag()))
                .chain(() -> notifyWebhooks(tx, registry, "push", target,
                        event.tag() == null ? List.of() : List.of(event.tag()), origin));
    }

    public Uni<Void> deleted(SqlConnection tx, Registry registry, ImageDeleted event, String mediaType,
            Origin origin) {
        Target target = new Target(event.repository(), null, event.digest(), mediaType, -1);
        return outbox.append(tx, EventTypes.IMAGE_DELETED, event, subject(event.repository(), null))
                .chain(() -> notifyWebhooks(tx, registry, "delete", target, event.tags(), origin));
    }

    /** A tag deleted by itself: for other sites' replicators (no webhook action exists for it, as on ACR). */
    public Uni<Void> tagDeleted(SqlConnection tx, TagDeleted event) {
        return outbox.append(tx, EventTypes.TAG_DELETED, event, subject(event.repository(), event.tag()))
                .replaceWithVoid();
    }

    public Uni<Void> attributesChanged(SqlConnection tx, AttributesChanged event) {
        return outbox.append(tx, EventTypes.ATTRIBUTES_CHANGED, event, subject(event.repository(), event.tag()))
                .replaceWithVoid();
    }

    public Uni<Void> baseUpdated(SqlConnection tx, BaseImageUpdated event) {
        return outbox.append(tx, EventTypes.BASE_IMAGE_UPDATED, event,
                subject(event.base().repository(), event.base().tag())).replaceWithVoid();
    }

    /** A ping: a delivery to one webhook only, with ACR's ping payload. */
    public Uni<UUID> ping(SqlConnection tx, Webhook webhook, Origin origin) {
        UUID id = UUID.randomUUID();
        Map<String, Object> payload = payload(id, "ping", null, origin);
        return webhooks.enqueue(tx, webhook.id(), UUID.randomUUID(), "ping", write(payload)).replaceWith(id);
    }

    private Uni<Void> notifyWebhooks(SqlConnection tx, Registry registry, String action, Target target,
            List<String> tags, Origin origin) {
        return webhooks.list(tx, registry.id()).chain(all -> {
            List<Webhook> listening = all.stream().filter(w -> w.hears(action, target.repository(), tags)).toList();
            if (listening.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String payload = write(payload(UUID.randomUUID(), action, target, origin));
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Webhook w : listening) {
                chain = chain.chain(() -> webhooks.enqueue(tx, w.id(), UUID.randomUUID(), action, payload));
            }
            return chain;
        });
    }

    /** ACR's webhook payload: {id, timestamp, action, target{...}, request{id, host, method, useragent}, actor}. */
    private static Map<String, Object> payload(UUID id, String action, Target target, Origin origin) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", id.toString());
        payload.put("timestamp", Instant.now().toString());
        payload.put("action", action);
        if (target != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("mediaType", target.mediaType());
            if (target.size() >= 0) {
                t.put("size", target.size());
            }
            t.put("digest", target.digest());
            if (target.size() >= 0) {
                t.put("length", target.size());
            }
            t.put("repository", target.repository());
            if (target.tag() != null) {
                t.put("tag", target.tag());
            }
            payload.put("target", t);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", UUID.randomUUID().toString());
        request.put("host", origin.host());
        request.put("method", origin.method());
        request.put("useragent", origin.userAgent());
        payload.put("request", request);
        payload.put("actor", Map.of("name", origin.actor()));
        return payload;
    }

    private String write(Map<String, Object> payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(String repository, String tag) {
        return tag == null ? repository : repository + ":" + tag;
    }
}
