package dev.drydock.registry.domain;

import java.time.Instant;

/**
 * A registry's replica in another site (ACR's replication): its location, whether clients are routed to it, how its
 * provisioning went and whether the site answers.
 *
 * @param status "online", "offline" or "unknown"
 */
public record Replication(long registryId, String location, boolean regionEndpointEnabled, String provisioningState,
        String status, String statusMessage, Instant statusAt, Instant createdAt) {
}
