package dev.drydock.registry.domain;

import java.util.Arrays;

/**
 * ACR's service tiers. They differ in included storage (enforced here as a quota, sized in configuration), webhook
 * count and feature gates; the data-plane API is the same for all.
 */
public enum Sku {
    Basic(2, false, false),
    Standard(10, true, false),
    Premium(500, true, true);

    private final int webhooks;
    private final boolean anonymousPull;
    private final boolean retentionPolicy;

    Sku(int webhooks, boolean anonymousPull, boolean retentionPolicy) {
        this.webhooks = webhooks;
        this.anonymousPull = anonymousPull;
        this.retentionPolicy = retentionPolicy;
    }

    public int webhooks() {
        return webhooks;
    }

    public boolean allowsAnonymousPull() {
        return anonymousPull;
    }

    public boolean allowsRetentionPolicy() {
        return retentionPolicy;
    }

    /** Case-insensitive, as ARM reads SKU names. */
    public static Sku parse(String value) {
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown SKU '" + value + "': use Basic, Standard or Premium"));
    }
}
