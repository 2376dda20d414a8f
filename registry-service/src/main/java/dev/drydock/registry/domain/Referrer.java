package dev.drydock.registry.domain;

/** One manifest whose subject is a given digest, as the referrers API lists it. */
public record Referrer(String digest, String mediaType, int size, String artifactType, String annotations) {
}
