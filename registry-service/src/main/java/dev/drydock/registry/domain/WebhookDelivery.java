package dev.drydock.registry.domain;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One webhook delivery as the event log shows it: the request sent and the last response. */
public record WebhookDelivery(UUID id, String action, String payload, String state, int attempts, Instant createdAt,
        Map<String, String> requestHeaders, Integer responseStatus, String responseReason,
        Map<String, String> responseHeaders, String responseBody, String error) {
}
