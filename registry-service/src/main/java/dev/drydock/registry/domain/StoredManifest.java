package dev.drydock.registry.domain;

/** A manifest as stored: the bytes are served exactly as they were pushed. */
public record StoredManifest(long id, String digest, String mediaType, byte[] content) {
}
