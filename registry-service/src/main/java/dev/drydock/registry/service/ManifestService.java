package dev.drydock.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.oci.Descriptor;
import dev.drydock.oci.DigestAlgorithm;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.StoredManifest;
import dev.drydock.registry.persistence.BlobLinks;
import dev.drydock.registry.persistence.Manifests;
import dev.drydock.registry.persistence.Repositories;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Pushing, pulling and deleting manifests, with the checks that keep every stored manifest complete. */
@ApplicationScoped
public class ManifestService {

    /** What a push stored: the manifest and the tags now pointing at it. */
    public record Pushed(Manifest manifest, List<String> tags) {
    }

    private final Pool pool;
    private final Repositories repositories;
    private final BlobLinks links;
    private final Manifests manifests;
    private final ObjectMapper json;

    ManifestService(Pool pool, Repositories repositories, BlobLinks links, Manifests manifests, ObjectMapper json) {
        this.pool = pool;
        this.repositories = repositories;
        this.links = links;
        this.manifests = manifests;
        this.json = json;
    }

    /**
     * @param reference the tag or digest of the URL
     * @param extraTags tags from {@code ?tag=} (a push by digest that also tags)
     */
    public Uni<Pushed> push(long registryId, RepositoryName name, Reference reference, String contentType,
            byte[] content, List<String> extraTags) {
        DigestAlgorithm algorithm = reference.isDigest() ? reference.digest().algorithm() : DigestAlgorithm.SHA256;
        Manifest manifest = Manifest.parse(content, contentType, algorithm);
        if (reference.isDigest() && !reference.digest().equals(manifest.digest())) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID,
                    "manifest has digest " + manifest.digest() + ", not " + reference.digest(), reference.toString());
        }
        List<String> tags = new ArrayList<>();
        reference.tagName().ifPresent(tags::add);
        for (String tag : extraTags) {
            if (!Reference.isValidTag(tag)) {
                throw new RegistryException(ErrorCode.TAG_INVALID, "invalid tag: " + tag, tag);
            }
            tags.add(tag);
        }
        String annotations = annotationsJson(manifest.annotations());
        return pool.withTransaction(tx -> repositories.ensure(tx, registryId, name.value())
                .call(repositoryId -> checkComplete(tx, repositoryId, manifest))
                .chain(repositoryId -> manifests.store(tx, repositoryId, manifest, content, annotations)
                        .call(manifestId -> tagAll(tx, repositoryId, tags, manifestId))))
                .replaceWith(new Pushed(manifest, tags));
    }

    private Uni<Void> tagAll(SqlConnection tx, long repositoryId, List<String> tags, long manifestId) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String tag : tags) {
            chain = chain.chain(() -> manifests.tag(tx, repositoryId, tag, manifestId));
        }
        return chain;
    }

    /** Every blob the manifest needs is in the repository with its declared size; every child manifest too. */
    private Uni<Void> checkComplete(SqlConnection tx, long repositoryId, Manifest manifest) {
        List<Descriptor> blobs = manifest.requiredBlobs();
        List<Descriptor> children = manifest.manifests();
        Uni<Map<String, Long>> sizes = blobs.isEmpty() ? Uni.createFrom().item(Map.of())
                : links.sizesIn(tx, repositoryId, blobs.stream().map(d -> d.digest().toString()).toList());
        Uni<Set<String>> present = children.isEmpty() ? Uni.createFrom().item(Set.of())
                : manifests.present(tx, repositoryId, children.stream().map(d -> d.digest().toString()).toList());
        return Uni.combine().all().unis(sizes, present).with((found, foundChildren) -> {
            List<String> missing = new ArrayList<>();
            for (Descriptor blob : blobs) {
                Long size = found.get(blob.digest().toString());
                if (size == null) {
                    missing.add(blob.digest().toString());
                } else if (size != blob.size()) {
                    throw new RegistryException(ErrorCode.MANIFEST_INVALID, "descriptor of " + blob.digest()
                            + " says " + blob.size() + " bytes, the blob has " + size, blob.digest().toString());
                }
            }
            children.stream().map(d -> d.digest().toString()).filter(d -> !foundChildren.contains(d))
                    .forEach(missing::add);
            if (!missing.isEmpty()) {
                throw RegistryException.each(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "blob unknown to registry", missing.stream().distinct().toList());
            }
            return null;
        }).replaceWithVoid();
    }

    public Uni<StoredManifest> get(long registryId, RepositoryName name, Reference reference) {
        Uni<StoredManifest> found = reference.isDigest()
                ? manifests.byDigest(registryId, name.value(), reference.digest().toString())
                : manifests.byTag(registryId, name.value(), reference.tag());
        return found.onItem().ifNull().switchTo(() -> unknown(registryId, name, ErrorCode.MANIFEST_UNKNOWN,
                "manifest " + reference + " is not in " + name));
    }

    public Uni<Void> delete(long registryId, RepositoryName name, Reference reference) {
        Uni<Boolean> deleted = reference.isDigest()
                ? manifests.delete(registryId, name.value(), reference.digest().toString())
                : manifests.untag(registryId, name.value(), reference.tag());
        return deleted.chain(done -> done ? Uni.createFrom().voidItem()
                : unknown(registryId, name, ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is not in " + name));
    }

    /** Fails with NAME_UNKNOWN when the repository does not exist, else with the given code. */
    public <T> Uni<T> unknown(long registryId, RepositoryName name, ErrorCode code, String message) {
        return repositories.find(registryId, name.value()).chain(id -> Uni.createFrom().failure(id == null
                ? new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known", name.value())
                : new RegistryException(code, message)));
    }


    private String annotationsJson(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(annotations);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
