package dev.drydock.registry.storage;

import dev.drydock.oci.Digest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where blob bytes live. Content is addressed by digest and written once: uploads go to a private file, and only
 * a file whose digest matched is moved, fsynced, into its content address.
 */
public interface BlobStore {

    /** The file that receives an upload's bytes. */
    Path uploadFile(UUID upload);

    /** The file holding a committed blob (it may not exist). */
    Path blobFile(Digest digest);

    /**
     * Makes the upload's bytes the blob's content: fsync, then an atomic rename. When the blob already exists the
     * upload is discarded, since its bytes are the same. Blocking: call it off the event loop.
     */
    void commit(UUID upload, Digest digest);

    /** Removes an upload's bytes (cancelled, failed or committed elsewhere). Blocking. */
    void discard(UUID upload);

    /** Removes a blob's bytes; nothing when they are gone already. Blocking. */
    void delete(Digest digest);

    /** Blobs whose files were last modified before {@code cutoff}. Blocking: walks the store. */
    List<Digest> blobsOlderThan(Instant cutoff);

    /** Uploads whose files were last modified before {@code cutoff}. Blocking. */
    List<UUID> uploadsOlderThan(Instant cutoff);
}
