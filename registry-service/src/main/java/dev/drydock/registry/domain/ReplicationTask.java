package dev.drydock.registry.domain;

/**
 * Content to copy from a peer site: a push (manifest by digest, and the tag it moved) or a deletion, with the clock
 * of the change as the site a client made it on recorded it.
 */
public record ReplicationTask(long id, String peer, String eventId, String registry, String repository, Kind kind,
        String digest, String tag, SiteChange change, int attempts) {

    public enum Kind { PUSH, DELETE }
}
