package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.BlobLinks;
import dev.drydock.registry.persistence.Repositories;
import dev.drydock.registry.storage.BlobStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;

/** Reading and unlinking blobs a repository can see. */
@ApplicationScoped
public class BlobService {

    private final Pool pool;
    private final Repositories repositories;
    private final BlobLinks links;
    private final BlobStore store;

    BlobService(Pool pool, Repositories repositories, BlobLinks links, BlobStore store) {
        this.pool = pool;
        this.repositories = repositories;
        this.links = links;
        this.store = store;
    }

    /** The blob's size, failing with BLOB_UNKNOWN when the repository cannot see it. */
    public Uni<Long> size(long registryId, RepositoryName name, Digest digest) {
        return links.sizeIn(registryId, name.value(), digest.toString())
                .onItem().ifNull().failWith(() -> unknown(name, digest));
    }

    /** Where the blob's bytes are, for sending them. */
    public Path file(Digest digest) {
        return store.blobFile(digest);
    }

    /**
     * Removes the repository's link to the blob; the bytes stay for other repositories (garbage collection takes
     * them once nothing links them). A repository locked against deletion keeps its links.
     */
    public Uni<Void> unlink(long registryId, RepositoryName name, Digest digest) {
        return pool.withTransaction(tx -> repositories.lockForChange(tx, registryId, name.value())
                .chain(repository -> {
                    if (repository == null) {
                        throw unknown(name, digest);
                    }
                    if (!repository.attributes().allowsDelete()) {
                        throw ManifestService.locked("repository " + name + " is locked against deletion");
                    }
                    return links.unlink(tx, repository.id(), digest.toString());
                })).invoke(removed -> {
                    if (!removed) {
                        throw unknown(name, digest);
                    }
                }).replaceWithVoid();
    }

    private static RegistryException unknown(RepositoryName name, Digest digest) {
        return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in " + name, digest.toString());
    }
}
