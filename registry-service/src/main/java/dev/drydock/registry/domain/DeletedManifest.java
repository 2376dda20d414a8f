package dev.drydock.registry.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A soft-deleted manifest as listed: what a restore needs live first (its subject, an index's children) and when it
 * went.
 */
public record DeletedManifest(String digest, String mediaType, String subjectDigest, List<String> children,
        Instant deletedAt) {

    /** What must be live before it can be: its children and its subject. */
    public List<String> needs() {
        List<String> needs = new ArrayList<>(children);
        if (subjectDigest != null) {
            needs.add(subjectDigest);
        }
        return needs;
    }
}
