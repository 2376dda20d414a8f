package dev.drydock.oci;

import java.util.List;
import java.util.Map;

/** A content descriptor (OCI image spec): what a manifest says about one blob or child manifest. */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        String artifactType,
        Map<String, String> annotations,
        Platform platform) {

    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** A layer with URLs lives elsewhere and is never pushed (a non-distributable layer). */
    public boolean isExternal() {
        return !urls.isEmpty();
    }

    public record Platform(String os, String architecture, String variant) {
    }
}
