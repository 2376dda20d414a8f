package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.DeletedManifest;
import dev.drydock.registry.domain.DeletedTag;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.TagState;
import dev.drydock.registry.persistence.DeletedContent;
import dev.drydock.registry.persistence.Manifests;
import dev.drydock.registry.persistence.Repositories;
import dev.drydock.registry.persistence.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listing and restoring what soft delete kept, with ACR's rules: a restore names one tag (without a digest, the
 * manifest that tag named when it was deleted most recently); an existing tag is moved only with force, and is then
 * soft-deleted in turn; an index is restored without its children and a referrer without its subject, so those must
 * be live first (restore them first); a repository deleted as a whole comes back as a whole.
 */
@ApplicationScoped
public class SoftDeleteService {

    private static final Logger LOG = Logger.getLogger(SoftDeleteService.class);

    /** A manifest made live again and the tag it got (null for an untagged one). */
    public record Restored(String digest, String tag) {
    }

    private final Pool pool;
    private final Repositories repositories;
    private final Manifests manifests;
    private final DeletedContent deleted;

    SoftDeleteService(Pool pool, Repositories repositories, Manifests manifests, DeletedContent deleted) {
        this.pool = pool;
        this.repositories = repositories;
        this.manifests = manifests;
        this.deleted = deleted;
    }

    public Uni<List<DeletedManifest>> deletedManifests(Registry registry, RepositoryName name) {
        return repositoryId(registry, name).chain(id -> deleted.manifests(pool, id));
    }

    public Uni<List<DeletedTag>> deletedTags(Registry registry, RepositoryName name, String tag) {
        return repositoryId(registry, name).chain(id -> deleted.tags(pool, id, tag));
    }

    public Uni<List<String>> deletedRepositories(Registry registry) {
        return deleted.repositories(registry.id());
    }

    /** Restores one manifest with one tag: {@code digest} or, when null, the one {@code tag} named when deleted. */
    public Uni<Restored> restore(Registry registry, RepositoryName name, String tag, Digest digest, boolean force) {
        return Transactions.pipelined(pool, tx -> lock(tx, registry, name).chain(repository -> {
            Uni<String> target = digest != null ? Uni.createFrom().item(digest.toString())
                    : deleted.tags(tx, repository.id(), tag).map(tags -> {
                        if (tags.isEmpty()) {
                            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                                    "no deleted tag " + name + ":" + tag + " to restore", tag);
                        }
                        return tags.get(0).digest();
                    });
            return target.chain(d -> revive(tx, name, repository.id(), d)
                    .chain(manifestId -> retag(tx, name, repository.id(), tag, d, manifestId, force))
                    .call(() -> deleted.markRepositoryDeleted(tx, repository.id(), false))
                    .replaceWith(new Restored(d, tag)));
        })).invoke(r -> LOG.infof("restored %s/%s@%s as tag %s", registry.name(), name, r.digest(), r.tag()));
    }

    /**
     * Restores everything a repository kept: manifests in an order that brings children and subjects before the
     * indexes and referrers that need them, then for each deleted tag name whose manifest is live and that no live
     * tag holds, its most recent digest.
     */
    public Uni<List<Restored>> restoreRepository(Registry registry, RepositoryName name) {
        return Transactions.pipelined(pool, tx -> lock(tx, registry, name).chain(repository ->
                deleted.manifests(tx, repository.id()).chain(kept -> {
                    if (kept.isEmpty()) {
                        throw new RegistryException(ErrorCode.NAME_UNKNOWN,
                                "repository " + name + " holds nothing soft-deleted", name.value());
                    }
                    return reviveInOrder(tx, repository.id(), kept, new LinkedHashMap<>())
                            .chain(revived -> retagAll(tx, repository.id(), revived))
                            .call(() -> deleted.markRepositoryDeleted(tx, repository.id(), false));
                }))).invoke(restored -> LOG.infof("restored repository %s/%s: %d manifests", registry.name(), name,
                restored.size()));
    }

    private Uni<Repositories.Locked> lock(SqlConnection tx, Registry registry, RepositoryName name) {
        return repositories.lockForChange(tx, registry.id(), name.value()).map(repository -> {
            if (repository == null) {
                throw RegistryException.nameUnknown(name);
            }
            if (!repository.attributes().writeEnabled()) {
                throw ManifestService.locked("repository " + name + " is locked for writes");
            }
            return repository;
        });
    }

    /** The live manifest's id, reviving it first when it is soft-deleted and what it needs is live. */
    private Uni<Long> revive(SqlConnection tx, RepositoryName name, long repositoryId, String digest) {
        return manifests.idOf(tx, repositoryId, digest).chain(live -> live != null ? Uni.createFrom().item(live)
                : deleted.manifest(tx, repositoryId, digest).chain(kept -> {
                    if (kept == null) {
                        throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, name + "@" + digest
                                + " is neither in the repository nor soft-deleted there", digest);
                    }
                    return missingNeeds(tx, repositoryId, kept).chain(missing -> {
                        if (!missing.isEmpty()) {
                            throw new RegistryException(ErrorCode.DENIED, name + "@" + digest + " needs "
                                    + String.join(", ", missing) + " restored first (a restore brings back neither an"
                                    + " index's children nor a referrer's subject)", digest);
                        }
                        return deleted.revive(tx, repositoryId, digest);
                    });
                }));
    }

    /** The subject and children a soft-deleted manifest names that are not live. */
    private Uni<List<String>> missingNeeds(SqlConnection tx, long repositoryId, DeletedManifest kept) {
        List<String> needs = kept.needs();
        if (needs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return manifests.sizesIn(tx, repositoryId, needs)
                .map(live -> needs.stream().filter(d -> !live.containsKey(d)).distinct().toList());
    }

    /** Points the tag at the manifest; a tag naming something else moves only with force, and is kept aside. */
    private Uni<Void> retag(SqlConnection tx, RepositoryName name, long repositoryId, String tag, String digest,
            long manifestId, boolean force) {
        return manifests.tagStates(tx, repositoryId, List.of(tag)).chain(states -> {
            TagState current = states.get(tag);
            Uni<Void> before = Uni.createFrom().voidItem();
            if (current != null && !current.digest().equals(digest)) {
                if (!force) {
                    throw new RegistryException(ErrorCode.DENIED, "tag " + name + ":" + tag + " names "
                            + current.digest() + " now; restore with force to move it (it is soft-deleted in turn)",
                            tag);
                }
                if (!current.attributes().writeEnabled()) {
                    throw ManifestService.locked("tag " + name + ":" + tag + " is locked for writes");
                }
                before = deleted.keepTag(tx, repositoryId, tag, current.digest());
            }
            return before.chain(() -> manifests.tag(tx, repositoryId, tag, manifestId))
                    .chain(() -> deleted.forgetTag(tx, repositoryId, tag, digest));
        });
    }

    /** Revives what can be revived, round after round, until a round brings nothing back. */
    private Uni<Map<String, Long>> reviveInOrder(SqlConnection tx, long repositoryId, List<DeletedManifest> left,
            Map<String, Long> revived) {
        return liveAmong(tx, repositoryId, left).chain(live -> {
            List<DeletedManifest> ready = left.stream().filter(m -> live.containsAll(m.needs())).toList();
            if (ready.isEmpty()) {
                return Uni.createFrom().item(revived);
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (DeletedManifest m : ready) {
                chain = chain.chain(() -> deleted.revive(tx, repositoryId, m.digest())
                        .invoke(id -> revived.put(m.digest(), id)).replaceWithVoid());
            }
            List<DeletedManifest> rest = left.stream().filter(m -> !ready.contains(m)).toList();
            return chain.chain(() -> reviveInOrder(tx, repositoryId, rest, revived));
        });
    }

    /** The digests among what the manifests need that are live. */
    private Uni<Set<String>> liveAmong(SqlConnection tx, long repositoryId, List<DeletedManifest> kept) {
        Set<String> needs = new HashSet<>();
        kept.forEach(m -> needs.addAll(m.needs()));
        if (needs.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return manifests.sizesIn(tx, repositoryId, List.copyOf(needs)).map(live -> new HashSet<>(live.keySet()));
    }

    /** Each deleted tag name whose newest digest is revived and that no live tag holds gets that digest back. */
    private Uni<List<Restored>> retagAll(SqlConnection tx, long repositoryId, Map<String, Long> revived) {
        return deleted.tags(tx, repositoryId, null).chain(tags -> {
            Map<String, DeletedTag> newest = new LinkedHashMap<>();
            tags.forEach(t -> newest.putIfAbsent(t.name(), t));
            List<String> names = List.copyOf(newest.keySet());
            return manifests.tagStates(tx, repositoryId, names).chain(live -> {
                List<Restored> restored = new ArrayList<>();
                Set<String> tagged = new HashSet<>();
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (DeletedTag t : newest.values()) {
                    Long id = revived.get(t.digest());
                    if (id == null || live.containsKey(t.name())) {
                        continue;
                    }
                    restored.add(new Restored(t.digest(), t.name()));
                    tagged.add(t.digest());
                    chain = chain.chain(() -> manifests.tag(tx, repositoryId, t.name(), id))
                            .chain(() -> deleted.forgetTag(tx, repositoryId, t.name(), t.digest()));
                }
                revived.keySet().stream().filter(d -> !tagged.contains(d))
                        .forEach(d -> restored.add(new Restored(d, null)));
                return chain.replaceWith(restored);
            });
        });
    }

    private Uni<Long> repositoryId(Registry registry, RepositoryName name) {
        return repositories.find(registry.id(), name.value()).map(id -> {
            if (id == null) {
                throw RegistryException.nameUnknown(name);
            }
            return id;
        });
    }
}
