package dev.drydock.registry.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry webhook: where to POST which events.
 *
 * @param headers custom headers sent with each delivery; they may hold credentials, so only get-config shows them
 * @param secret  the HMAC-SHA256 key of the X-Drydock-Signature header, or null for unsigned deliveries
 */
public record Webhook(long id, long registryId, String name, String uri, Set<String> actions, String scope,
        Map<String, String> headers, String secret, boolean enabled, Instant createdAt) {

    /** ACR's actions; quarantine and chart actions are accepted for compatibility and never fire here. */
    public static final List<String> ACTIONS = List.of("push", "delete", "quarantine", "chart_push", "chart_delete");

    public boolean hears(String action, String repository, Collection<String> tags) {
        return enabled && actions.contains(action) && WebhookScope.parse(scope).matches(repository, tags);
    }
}
