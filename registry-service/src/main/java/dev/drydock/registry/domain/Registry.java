package dev.drydock.registry.domain;

import java.time.Instant;

/**
 * A registry: a tenant with its own repositories, layers, SKU and policies.
 *
 * @param loginServer the host name clients use for it
 * @param retention            the untagged-manifest retention policy (Premium)
 * @param anonymousPullEnabled whether pulls need no credential (Standard and Premium)
 * @param softDelete           deleted manifests and tags kept restorable (Standard and Premium)
 * @param homeSite             for a geo-replica, the site its configuration comes from; null where this site is home
 */
public record Registry(long id, String name, String loginServer, Sku sku, Instant createdAt, Instant updatedAt,
        RetentionPolicy retention, boolean adminUserEnabled, boolean anonymousPullEnabled,
        SoftDeletePolicy softDelete, String homeSite) {

    /** The registry that answers every host not naming one; it cannot be deleted. */
    public static final String DEFAULT = "default";

    public boolean isDefault() {
        return DEFAULT.equals(name);
    }

    /** Schedules deletion of Docker manifests {@code days} after they lose their last tag, while enabled. */
    public record RetentionPolicy(boolean enabled, int days) {
        public RetentionPolicy {
            if (days < 0 || days > 365) {
                throw new IllegalArgumentException("retention days must be between 0 and 365, got " + days);
            }
        }
    }

    /** Keeps deleted manifests and tags for {@code days}, hidden but restorable, while enabled. */
    public record SoftDeletePolicy(boolean enabled, int days, Instant updatedAt) {
        public SoftDeletePolicy {
            if (days < 1 || days > 90) {
                throw new IllegalArgumentException("soft delete keeps deleted content 1 to 90 days, not " + days);
            }
        }
    }
}
