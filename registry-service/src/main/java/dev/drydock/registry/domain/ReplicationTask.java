package dev.drydock.registry.domain;

/**
 * A change to copy from a peer site, with its clock as the site a client made it on recorded it: a push (manifest
 * by digest, and the tag it moved), a deletion, an untag (the tag and the manifest it pointed at) or a lock change
 * of a repository, tag or manifest ({@code attributes}: the locks afterwards).
 */
public record ReplicationTask(long id, String peer, String eventId, String registry, String repository, Kind kind,
        String digest, String tag, ChangeableAttributes attributes, SiteChange change, int attempts) {

    public enum Kind { PUSH, DELETE, UNTAG, LOCK }

    /** What the peer's client did, for logs and the queue. */
    public static ReplicationTask of(String peer, String eventId, String registry, String repository, Kind kind,
            String digest, String tag, ChangeableAttributes attributes, SiteChange change) {
        return new ReplicationTask(0, peer, eventId, registry, repository, kind, digest, tag, attributes, change, 0);
    }
}
