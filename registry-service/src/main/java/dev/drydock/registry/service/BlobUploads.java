package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.DigestAlgorithm;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ContentRange;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.UploadSession;
import dev.drydock.registry.persistence.BlobLinks;
import dev.drydock.registry.persistence.BlobLocks;
import dev.drydock.registry.persistence.Repositories;
import dev.drydock.registry.persistence.Transactions;
import dev.drydock.registry.persistence.UploadSessions;
import dev.drydock.registry.storage.BlobStore;
import dev.drydock.registry.storage.StreamToFile;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Blob uploads: sessions, chunks, the closing digest check and the commit into the blob store, plus the
 * single-request upload and the cross-repository mount.
 * <p>
 * Bytes are hashed as they arrive, so finishing an upload costs no second read. The running hash lives in this
 * process; after a restart (or if a chunk's hash state is lost) the upload is re-hashed from its file when it closes.
 */
@ApplicationScoped
public class BlobUploads {

    private static final Logger LOG = Logger.getLogger(BlobUploads.class);

    /** A running SHA-256 of an upload's first {@code size} bytes. */
    private record RunningHash(MessageDigest digest, long size) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final BlobStore store;
    private final Repositories repositories;
    private final BlobLinks links;
    private final UploadSessions sessions;
    private final StorageQuota quota;
    private final Map<UUID, RunningHash> hashes = new ConcurrentHashMap<>();
    private final Set<UUID> writing = ConcurrentHashMap.newKeySet();

    BlobUploads(Pool pool, Vertx vertx, BlobStore store, Repositories repositories, BlobLinks links, StorageQuota quota,
            UploadSessions sessions) {
        this.pool = pool;
        this.vertx = vertx;
        this.store = store;
        this.repositories = repositories;
        this.links = links;
        this.quota = quota;
        this.sessions = sessions;
    }

    public Uni<UUID> start(long registryId, RepositoryName name) {
        UUID id = UUID.randomUUID();
        return sessions.create(registryId, name.value(), id)
                .invoke(() -> hashes.put(id, new RunningHash(DigestAlgorithm.SHA256.newMessageDigest(), 0)))
                .replaceWith(id);
    }

    public Uni<UploadSession> session(long registryId, RepositoryName name, UUID id) {
        return sessions.find(registryId, name.value(), id).onItem().ifNull().failWith(
                () -> new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is not in progress"));
    }

    /**
     * Appends a chunk. With a Content-Range it must start where the upload ends (416 otherwise); without one it is
     * appended where the upload ends (the streamed PATCH of docker and containerd).
     *
     * @return the upload's new size
     */
    public Uni<Long> append(UploadSession session, ReadStream<Buffer> body, ContentRange range, String location) {
        return append(session, body, range, location, true);
    }

    /**
     * The closing chunk of a PUT: the session ends right after it (committed or discarded), so its new offset need
     * not be stored; that saves a round trip on every monolithic upload.
     */
    public Uni<Long> appendFinal(UploadSession session, ReadStream<Buffer> body, ContentRange range, String location) {
        return append(session, body, range, location, false);
    }

    private Uni<Long> append(UploadSession session, ReadStream<Buffer> body, ContentRange range, String location,
            boolean persistOffset) {
        if (range != null && range.start() != session.size()) {
            return Uni.createFrom().failure(outOfOrder(session, location,
                    "chunk starts at " + range.start() + " but the upload holds " + session.size() + " bytes"));
        }
        if (!writing.add(session.id())) {
            return Uni.createFrom().failure(outOfOrder(session, location, "another chunk of this upload is in flight"));
        }
        RunningHash running = hashes.remove(session.id());
        MessageDigest digest = running != null && running.size() == session.size() ? running.digest() : null;
        return StreamToFile.append(vertx, body, store.uploadFile(session.id()), session.size(), digest,
                        Infrastructure.getDefaultWorkerPool())
                .chain(written -> {
                    if (range != null && written != range.length()) {
                        return Uni.createFrom().failure(new RegistryException(ErrorCode.SIZE_INVALID,
                                "Content-Range announced " + range.length() + " bytes, the body held " + written));
                    }
                    long size = session.size() + written;
                    Uni<Boolean> stored = persistOffset ? sessions.advance(session.id(), session.size(), size)
                            : Uni.createFrom().item(true);
                    return stored.map(moved -> {
                        if (!moved) {
                            throw outOfOrder(session, location, "the upload moved on while this chunk was written");
                        }
                        if (digest != null) {
                            hashes.put(session.id(), new RunningHash(digest, size));
                        }
                        return size;
                    });
                })
                .eventually(() -> writing.remove(session.id()));
    }

    private static RegistryException outOfOrder(UploadSession session, String location, String message) {
        return new RegistryException(ErrorCode.RANGE_INVALID, message, null,
                Map.of("Range", range(session.size()), "Location", location));
    }

    /** The spec's Range header for an upload holding {@code size} bytes. */
    public static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    /** Checks the digest of everything uploaded and commits the blob; the session ends either way. */
    public Uni<Digest> finish(Registry registry, UploadSession session, long size, Digest expected) {
        RunningHash running = hashes.remove(session.id());
        Uni<Digest> actual = running != null && running.size() == size && expected.algorithm() == DigestAlgorithm.SHA256
                ? Uni.createFrom().item(Digest.of(DigestAlgorithm.SHA256, running.digest()))
                : Blocking.run(() -> rehash(session.id(), size, expected.algorithm()));
        return actual.chain(digest -> {
            if (!digest.equals(expected)) {
                return end(session.id()).chain(() -> Uni.createFrom().failure(mismatch(digest, expected)));
            }
            return store(registry, session.id(), digest, size,
                    tx -> sessions.complete(tx, session.id(), session.repositoryId(), digest.toString(), size))
                    .onFailure(RegistryException.class).call(() -> end(session.id()))
                    .replaceWith(digest);
        });
    }

    /** Cancels an upload: its bytes and its session go. */
    public Uni<Void> cancel(UploadSession session) {
        hashes.remove(session.id());
        return end(session.id());
    }

    /** Removes abandoned uploads: their sessions, bytes and running hashes. @return how many */
    public Uni<Integer> purgeAbandoned(java.time.Duration maxAge) {
        return sessions.deleteUntouchedFor(maxAge).call(ids -> {
            ids.forEach(hashes::remove);
            return Blocking.run(() -> {
                ids.forEach(store::discard);
                return ids;
            });
        }).map(java.util.List::size);
    }

    private Uni<Void> end(UUID id) {
        return discard(id).chain(() -> sessions.delete(id)).replaceWithVoid();
    }

    /** The whole blob in one request (POST ?digest= or a PUT without session state): hashed, checked, committed. */
    public Uni<Digest> upload(Registry registry, RepositoryName name, ReadStream<Buffer> body, Digest expected) {
        UUID id = UUID.randomUUID();
        MessageDigest digest = expected.algorithm().newMessageDigest();
        return StreamToFile.append(vertx, body, store.uploadFile(id), 0, digest, Infrastructure.getDefaultWorkerPool())
                .chain(size -> {
                    Digest actual = Digest.of(expected.algorithm(), digest);
                    if (!actual.equals(expected)) {
                        return discard(id).chain(() -> Uni.createFrom().failure(mismatch(actual, expected)));
                    }
                    return store(registry, id, actual, size,
                            tx -> links.recordUpload(tx, registry.id(), name.value(), actual.toString(), size))
                            .replaceWith(actual);
                })
                .onFailure().call(() -> discard(id));
    }

    /**
     * A blob read from another registry (import): streamed to an upload file and hashed on a worker thread, then
     * committed like any upload, only when its digest and size are the ones the manifest names.
     */
    public Uni<Void> importBlob(Registry registry, RepositoryName name, Digest expected, long size,
            Callable<InputStream> source) {
        UUID id = UUID.randomUUID();
        return Blocking.run(() -> {
            MessageDigest digest = expected.algorithm().newMessageDigest();
            long written = 0;
            try (InputStream in = source.call();
                 OutputStream out = Files.newOutputStream(store.uploadFile(id))) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    written += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Digest actual = Digest.of(expected.algorithm(), digest);
            if (!actual.equals(expected) || written != size) {
                throw new RegistryException(ErrorCode.DIGEST_INVALID, "the source sent " + written + " bytes with digest "
                        + actual + " for " + expected + " (" + size + " bytes)", expected.toString());
            }
            return written;
        }).chain(written -> commitVerified(registry, name, id, expected, written))
                .onFailure().call(() -> discard(id));
    }

    /** Where the bytes of an upload that arrive by other means (an upstream fill) are written. */
    public java.nio.file.Path uploadFile(UUID id) {
        return store.uploadFile(id);
    }

    /** Commits an upload file whose digest and size the caller verified, linking it into {@code name}. */
    public Uni<Void> commitVerified(Registry registry, RepositoryName name, UUID id, Digest digest, long size) {
        return store(registry, id, digest, size,
                tx -> links.recordUpload(tx, registry.id(), name.value(), digest.toString(), size));
    }

    /** Removes an upload file that will not be committed. */
    public Uni<Void> discardFile(UUID id) {
        return discard(id);
    }

    /** Links a blob the caller can see in {@code from} into {@code name}; false when {@code from} does not have it. */
    public Uni<Boolean> mount(long registryId, RepositoryName name, RepositoryName from, Digest digest) {
        return links.sizeIn(registryId, from.value(), digest.toString()).chain(size -> {
            if (size == null) {
                return Uni.createFrom().item(false);
            }
            return Transactions.pipelined(pool, tx -> BlobLocks.shared(tx, digest.toString())
                    .chain(() -> repositories.ensure(tx, registryId, name.value()))
                    .chain(repositoryId -> links.link(tx, repositoryId, digest.toString()))).replaceWith(true);
        });
    }

    /** Hashes the first {@code size} bytes of an upload: all that the session vouches for. */
    private Digest rehash(UUID id, long size, DigestAlgorithm algorithm) {
        MessageDigest digest = algorithm.newMessageDigest();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(store.uploadFile(id))) {
            long left = size;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                digest.update(buffer, 0, n);
                left -= n;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            LOG.debugf("upload %s has no bytes on disk; treating it as empty", id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload " + id, e);
        }
        return Digest.of(algorithm, digest);
    }

    private static RegistryException mismatch(Digest actual, Digest expected) {
        return new RegistryException(ErrorCode.DIGEST_INVALID, "upload has digest " + actual + ", not " + expected,
                expected.toString());
    }

    /**
     * Makes verified upload bytes the blob and records it, once the registry's quota allows them. The rows and the
     * rename happen under the digest's shared lock, so garbage collection (which takes it exclusively) can never
     * delete the file between the two; the rows are written first (BEGIN, the lock and the rows travel in one round
     * trip) and roll back if the rename fails.
     */
    private Uni<Void> store(Registry registry, UUID id, Digest digest, long size,
            Function<SqlConnection, Uni<Void>> record) {
        return quota.check(registry, digest.toString(), size)
                .chain(() -> Transactions.pipelined(pool, tx -> Uni.combine().all()
                        .unis(BlobLocks.shared(tx, digest.toString()), record.apply(tx)).discardItems()
                        .chain(() -> Blocking.run(() -> {
                            store.commit(id, digest);
                            return digest;
                        }))))
                .replaceWithVoid();
    }

    private Uni<Void> discard(UUID id) {
        return Blocking.run(() -> {
            store.discard(id);
            return id;
        }).replaceWithVoid();
    }
}
