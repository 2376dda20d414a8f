package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Per-digest advisory locks between writers of a blob (upload commit, mount: shared) and garbage collection
 * (exclusive). They close the window where GC found a blob unreferenced and deletes its file while an upload of
 * the same content renames a fresh copy into place and records it.
 */
public final class BlobLocks {

    /** Distinguishes these locks from any other advisory lock user of the database. */
    private static final int NAMESPACE = 0x0B10B;

    private BlobLocks() {
    }

    /** Takes the digest's lock shared until the transaction ends. */
    public static Uni<Void> shared(SqlClient tx, String digest) {
        return tx.preparedQuery("select pg_advisory_xact_lock_shared($1, hashtext($2))")
                .execute(Tuple.of(NAMESPACE, digest)).replaceWithVoid();
    }

    /** Takes the digest's lock exclusively until the transaction ends. */
    public static Uni<Void> exclusive(SqlClient tx, String digest) {
        return tx.preparedQuery("select pg_advisory_xact_lock($1, hashtext($2))")
                .execute(Tuple.of(NAMESPACE, digest)).replaceWithVoid();
    }
}
