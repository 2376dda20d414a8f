package dev.drydock.registry.domain;

/**
 * A manifest as stored: the bytes are served exactly as they were pushed.
 *
 * @param readable false when a lock (readEnabled=false on the repository, the manifest or the tag used) blocks pulls
 */
public record StoredManifest(long id, String digest, String mediaType, byte[] content, boolean readable) {
}
