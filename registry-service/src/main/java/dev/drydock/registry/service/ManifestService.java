package dev.drydock.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.events.registry.ImageDeleted;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.registry.TagDeleted;
import dev.drydock.oci.Descriptor;
import dev.drydock.oci.DigestAlgorithm;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.MediaTypes;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.DeletionTarget;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.ManifestFacts;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.SiteChange;
import dev.drydock.registry.domain.StoredManifest;
import dev.drydock.registry.domain.TagState;
import dev.drydock.registry.persistence.BlobLinks;
import dev.drydock.registry.persistence.DeletedContent;
import dev.drydock.registry.persistence.Manifests;
import dev.drydock.registry.persistence.Repositories;
import dev.drydock.registry.persistence.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Pushing, pulling and deleting manifests, with the checks that keep every stored manifest complete, the locks
 * of repositories, tags and manifests, and the events each change announces.
 */
@ApplicationScoped
public class ManifestService {

    private static final Logger LOG = Logger.getLogger(ManifestService.class);

    /** What a push stored: the manifest and the tags now pointing at it. */
    public record Pushed(Manifest manifest, List<String> tags) {
    }

    /**
     * Who writes and the change's clock: a client of this site, or the replicator copying what a client did on
     * another site (whose tags then move only where that change is the last writer).
     */
    private record Writer(Origin origin, SiteChange change, boolean replicated) {
        String eventSite() {
            return change.site().isEmpty() ? null : change.site();
        }
    }

    private final Pool pool;
    private final Repositories repositories;
    private final BlobLinks links;
    private final Manifests manifests;
    private final DeletedContent deleted;
    private final ManifestInspector inspector;
    private final ImageEvents events;
    private final ObjectMapper json;

    private final Sites sites;

    ManifestService(Pool pool, Repositories repositories, BlobLinks links, Manifests manifests,
            DeletedContent deleted, ManifestInspector inspector, ImageEvents events, ObjectMapper json, Sites sites) {
        this.pool = pool;
        this.sites = sites;
        this.deleted = deleted;
        this.repositories = repositories;
        this.links = links;
        this.manifests = manifests;
        this.inspector = inspector;
        this.events = events;
        this.json = json;
    }

    /**
     * @param reference the tag or digest of the URL
     * @param extraTags tags from {@code ?tag=} (a push by digest that also tags)
     */
    public Uni<Pushed> push(Registry registry, RepositoryName name, Reference reference, String contentType,
            byte[] content, List<String> extraTags, Origin origin) {
        return push(registry, name, reference, contentType, content, extraTags, local(origin), true);
    }

    /**
     * Stores a manifest the replicator copied from {@code peer}, whose blobs and children it copied first. A tag
     * moves only if {@code change} (the source's commit time and site) is newer than the tag's last move here, so
     * two sites that moved one tag at once both end on the later move.
     */
    public Uni<Pushed> pushReplicated(Registry registry, RepositoryName name, Reference reference, String contentType,
            byte[] content, SiteChange change, String peer) {
        return push(registry, name, reference, contentType, content, List.of(),
                new Writer(replicator(peer), change, true), true);
    }

    private Writer local(Origin origin) {
        return new Writer(origin, new SiteChange(Instant.now(), sites.selfOrBlank()), false);
    }

    private static Origin replicator(String peer) {
        return new Origin("replication:" + peer, null, "PUT", "drydock-replicator");
    }

    /**
     * Stores a manifest the artifact cache fetched from upstream. Its blobs and children are fetched when they are
     * first pulled, so the completeness check of a client's push does not apply; everything else does.
     */
    public Uni<Pushed> pushFromUpstream(Registry registry, RepositoryName name, Reference reference,
            String contentType, byte[] content, Origin origin) {
        return push(registry, name, reference, contentType, content, List.of(), local(origin), false);
    }

    private Uni<Pushed> push(Registry registry, RepositoryName name, Reference reference, String contentType,
            byte[] content, List<String> extraTags, Writer writer, boolean mustBeComplete) {
        String type = MediaTypes.essence(contentType);
        if (type == null || !MediaTypes.isManifest(type)) {
            // what the client says it sends must be what it sends: a registry that guesses differs from the clients
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "Content-Type must be the manifest's media type ("
                    + String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST,
                    MediaTypes.DOCKER_MANIFEST_LIST) + "), not " + (contentType == null ? "none" : contentType), null);
        }
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
        // independent statements are subscribed together so that they share a round trip (Transactions)
        return inspector.facts(manifest, content.length).chain(facts -> Transactions.pipelined(pool, tx ->
                repositories.ensureLocked(tx, registry.id(), name.value())
                        .chain(repository -> {
                            if (!repository.attributes().writeEnabled()) {
                                throw locked("repository " + name + " is locked for writes");
                            }
                            // a push into a repository deleted as a whole brings it back (ACR's rule): it is no
                            // longer a deleted repository, whatever it kept
                            Uni<Boolean> softDeleted = registry.softDelete().enabled()
                                    ? deleted.markRepositoryDeleted(tx, repository.id(), false).chain(() ->
                                            deleted.holds(tx, repository.id(), manifest.digest().toString()))
                                    : Uni.createFrom().item(false);
                            Uni<Void> completeness = mustBeComplete ? checkComplete(tx, repository.id(), manifest)
                                    : Uni.createFrom().voidItem();
                            return Uni.combine().all().unis(completeness,
                                            manifests.tagStates(tx, repository.id(), tags), softDeleted)
                                    .with((complete, previous, isDeleted) -> {
                                        if (isDeleted) {
                                            // ACR's rule: what is soft-deleted comes back by restore, not by push
                                            throw new RegistryException(ErrorCode.DENIED, name + "@"
                                                    + manifest.digest() + " is soft-deleted; restore it instead of "
                                                    + "pushing it again", manifest.digest().toString());
                                        }
                                        return previous;
                                    })
                                    .chain(previous -> {
                                        List<String> moving = writer.replicated()
                                                ? lastWriters(registry, name, manifest, tags, previous, writer)
                                                : tags;
                                        if (!writer.replicated()) {
                                            checkOverwrite(name, manifest, previous);
                                        }
                                        return manifests.store(tx, repository.id(), manifest, content, annotations,
                                                        facts)
                                                .call(id -> tagAll(tx, repository.id(), moving, id, writer.change()))
                                                .call(() -> announcePush(tx, registry, name, manifest, facts, moving,
                                                        previous, writer))
                                                .replaceWith(moving);
                                    });
                        })))
                .invoke(moved -> LOG.debugf("pushed %s/%s@%s %s", registry.name(), name, manifest.digest(), moved))
                .map(moved -> new Pushed(manifest, moved));
    }

    /**
     * The tags a replicated push may move: those whose last move here is older than the change. A tag locked for
     * writes here keeps its manifest (the lock is this site's decision), and the skip is logged.
     */
    private static List<String> lastWriters(Registry registry, RepositoryName name, Manifest manifest,
            List<String> tags, Map<String, TagState> previous, Writer writer) {
        List<String> moving = new ArrayList<>();
        for (String tag : tags) {
            TagState before = previous.get(tag);
            if (before == null) {
                moving.add(tag);
            } else if (!writer.change().isNewerThan(before.changed())) {
                if (before.digest().equals(manifest.digest().toString())) {
                    // already here, moved later: its clock must not go back to the older change
                    continue;
                }
                LOG.infof("replication: %s/%s:%s stays on %s, moved at %s on '%s', later than %s on '%s'",
                        registry.name(), name, tag, before.digest(), before.changed().at(), before.changed().site(),
                        writer.change().at(), writer.change().site());
            } else if (!before.attributes().writeEnabled()) {
                if (!before.digest().equals(manifest.digest().toString())) {
                    LOG.warnf("replication: %s/%s:%s is locked for writes here; it stays on %s", registry.name(),
                            name, tag, before.digest());
                }
            } else {
                moving.add(tag);
            }
        }
        return moving;
    }

    /** A tag locked for writes may not move to another manifest; re-pushing what it points at is no change. */
    private static void checkOverwrite(RepositoryName name, Manifest manifest, Map<String, TagState> previous) {
        for (TagState tag : previous.values()) {
            if (!tag.attributes().writeEnabled() && !tag.digest().equals(manifest.digest().toString())) {
                throw locked("tag " + name + ":" + tag.name() + " is locked for writes");
            }
        }
    }

    private Uni<Void> announcePush(SqlConnection tx, Registry registry, RepositoryName name, Manifest manifest,
            ManifestFacts facts, List<String> tags, Map<String, TagState> previous, Writer writer) {
        Origin origin = writer.origin();
        String digest = manifest.digest().toString();
        ImagePushed.BaseImage base = facts.base() == null ? null
                : new ImagePushed.BaseImage(facts.base().name(), facts.base().digest());
        List<ImagePushed.Platform> platforms = platforms(manifest, facts);
        Instant now = writer.change().at();
        List<String> eventTags = tags.isEmpty() ? Collections.singletonList(null) : tags;
        List<Uni<Void>> statements = new ArrayList<>();
        for (String tag : eventTags) {
            ImagePushed event = new ImagePushed(registry.name(), name.value(), tag, digest, manifest.mediaType(),
                    manifest.effectiveArtifactType(), manifest.size(), platforms, base, origin.actor(), now,
                    writer.eventSite());
            statements.add(events.pushed(tx, registry, event, origin));
            if (tag == null) {
                continue;
            }
            TagState before = previous.get(tag);
            if (before != null && before.digest().equals(digest)) {
                continue;
            }
            String previousDigest = before == null ? null : before.digest();
            statements.add(manifests.dependents(tx, registry.id(), name.value(), tag, digest)
                    .chain(dependents -> dependents.isEmpty() ? Uni.createFrom().voidItem()
                            : events.baseUpdated(tx, new BaseImageUpdated(registry.name(),
                                    new BaseImageUpdated.Base(name.value(), tag), previousDigest, digest,
                                    dependents))));
        }
        return together(statements);
    }

    private static List<ImagePushed.Platform> platforms(Manifest manifest, ManifestFacts facts) {
        List<ImagePushed.Platform> platforms = new ArrayList<>();
        for (Descriptor child : manifest.manifests()) {
            Descriptor.Platform p = child.platform();
            if (p != null && p.os() != null && p.architecture() != null) {
                platforms.add(new ImagePushed.Platform(p.os(), p.architecture(), p.variant()));
            }
        }
        if (facts.os() != null && facts.architecture() != null) {
            platforms.add(new ImagePushed.Platform(facts.os(), facts.architecture(), null));
        }
        return platforms;
    }

    private Uni<Void> tagAll(SqlConnection tx, long repositoryId, List<String> tags, long manifestId,
            SiteChange change) {
        return together(tags.stream().map(tag -> manifests.tag(tx, repositoryId, tag, manifestId, change.at(),
                change.site())).toList());
    }

    /** Statements subscribed together, so that the connection pipelines them. */
    private static Uni<Void> together(List<Uni<Void>> statements) {
        return statements.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(statements).andFailFast().replaceWithVoid();
    }

    /**
     * Every blob the manifest needs is in the repository with its declared size; every child manifest too. The
     * links are read FOR SHARE, so garbage collection cannot remove one before this push commits.
     */
    private Uni<Void> checkComplete(SqlConnection tx, long repositoryId, Manifest manifest) {
        List<Descriptor> blobs = manifest.requiredBlobs();
        List<Descriptor> children = manifest.manifests();
        Uni<Map<String, Long>> sizes = blobs.isEmpty() ? Uni.createFrom().item(Map.of())
                : links.sizesIn(tx, repositoryId, blobs.stream().map(d -> d.digest().toString()).toList());
        Uni<Map<String, Long>> present = children.isEmpty() ? Uni.createFrom().item(Map.of())
                : manifests.sizesIn(tx, repositoryId, children.stream().map(d -> d.digest().toString()).toList());
        return Uni.combine().all().unis(sizes, present).with((found, foundChildren) -> {
            List<String> missing = new ArrayList<>();
            // a client trusting a descriptor's size would read too little or wait for bytes that never come
            checkSizes(blobs, found, "blob", missing);
            checkSizes(children, foundChildren, "manifest", missing);
            if (!missing.isEmpty()) {
                throw RegistryException.each(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                        "blob unknown to registry", missing.stream().distinct().toList());
            }
            return null;
        }).replaceWithVoid();
    }

    /** Adds descriptors of nothing stored to {@code missing}; a stored one of another size is MANIFEST_INVALID. */
    private static void checkSizes(List<Descriptor> descriptors, Map<String, Long> stored, String what,
            List<String> missing) {
        for (Descriptor d : descriptors) {
            Long size = stored.get(d.digest().toString());
            if (size == null) {
                missing.add(d.digest().toString());
            } else if (size != d.size()) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, "descriptor of " + d.digest() + " says "
                        + d.size() + " bytes, the " + what + " has " + size, d.digest().toString());
            }
        }
    }

    public Uni<StoredManifest> get(long registryId, RepositoryName name, Reference reference) {
        Uni<StoredManifest> found = reference.isDigest()
                ? manifests.byDigest(registryId, name.value(), reference.digest().toString())
                : manifests.byTag(registryId, name.value(), reference.tag());
        return found.onItem().ifNull().switchTo(() -> unknown(registryId, name, ErrorCode.MANIFEST_UNKNOWN,
                "manifest " + reference + " is not in " + name)).invoke(stored -> {
                    if (!stored.readable()) {
                        throw new RegistryException(ErrorCode.DENIED,
                                name + ":" + reference + " is locked for reads (readEnabled=false)", reference.toString());
                    }
                });
    }

    /**
     * Deletes by digest: the manifest, every tag on it and its referrers, announcing each; or, by tag, removes
     * just the tag (the manifest stays). Locks on any of them refuse the whole deletion.
     */
    public Uni<Void> delete(Registry registry, RepositoryName name, Reference reference, Origin origin) {
        Uni<Boolean> removed = pool.withTransaction(tx -> repositories.lockForChange(tx, registry.id(), name.value())
                .chain(repository -> {
                    if (repository == null) {
                        return Uni.createFrom().item(false);
                    }
                    return reference.isDigest()
                            ? deleteManifest(tx, registry, name, repository, reference.digest().toString(),
                                    local(origin))
                            : untag(tx, registry, name, repository, reference.tag(), origin);
                }));
        return removed.chain(done -> done ? Uni.createFrom().voidItem()
                : unknown(registry.id(), name, ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is not in " + name));
    }

    private Uni<Boolean> untag(SqlConnection tx, Registry registry, RepositoryName name,
            Repositories.Locked repository, String tag, Origin origin) {
        return manifests.tagStates(tx, repository.id(), List.of(tag)).chain(states -> {
            TagState state = states.get(tag);
            if (state == null) {
                return Uni.createFrom().item(false);
            }
            if (!repository.attributes().allowsDelete() || !state.attributes().allowsDelete()) {
                throw locked("tag " + name + ":" + tag + " is locked against deletion");
            }
            Uni<Void> kept = registry.softDelete().enabled()
                    ? deleted.keepTag(tx, repository.id(), tag, state.digest()) : Uni.createFrom().voidItem();
            Writer writer = local(origin);
            return kept.chain(() -> manifests.untag(tx, repository.id(), tag))
                    .call(() -> events.tagDeleted(tx, new TagDeleted(registry.name(), name.value(), tag,
                            state.digest(), writer.eventSite(), writer.change().at())));
        });
    }

    /** Deletes the manifest with its tags and referrers inside {@code tx}; false when the repository lacks it. */
    private Uni<Boolean> deleteManifest(SqlConnection tx, Registry registry, RepositoryName name,
            Repositories.Locked repository, String digest, Writer writer) {
        return manifests.deletionClosure(tx, repository.id(), digest).chain(targets -> targets.isEmpty()
                ? Uni.createFrom().item(false)
                : deleteTargets(tx, registry, name, repository, targets, writer).replaceWith(true));
    }

    /**
     * Deletes what a client deleted on another site, unless a tag here moved onto the manifest after that deletion
     * (the later change wins, as for tag moves). False when there was nothing to delete or it stays.
     */
    public Uni<Boolean> deleteReplicated(Registry registry, RepositoryName name, String digest, SiteChange change,
            String peer) {
        Writer writer = new Writer(replicator(peer), change, true);
        return pool.withTransaction(tx -> repositories.lockForChange(tx, registry.id(), name.value())
                .chain(repository -> repository == null ? Uni.createFrom().item(false)
                        : manifests.deletionClosure(tx, repository.id(), digest).chain(targets -> targets.isEmpty()
                        ? Uni.createFrom().item(false)
                        : manifests.tagStates(tx, repository.id(), targets.get(0).tags()).chain(tags -> {
                            for (TagState tag : tags.values()) {
                                if (tag.changed().isNewerThan(change)) {
                                    LOG.infof("replication: %s/%s@%s stays: tag %s moved onto it at %s on '%s', "
                                                    + "after its deletion on '%s'", registry.name(), name, digest,
                                            tag.name(), tag.changed().at(), tag.changed().site(), change.site());
                                    return Uni.createFrom().item(false);
                                }
                            }
                            return deleteTargets(tx, registry, name, repository, targets, writer).replaceWith(true);
                        }))));
    }

    /**
     * Deletes a tag another site's client deleted, if it still points where it pointed there and did not move here
     * since (the later change wins). False when it stays or is gone.
     */
    public Uni<Boolean> untagReplicated(Registry registry, RepositoryName name, String tag, String digest,
            SiteChange change) {
        return pool.withTransaction(tx -> repositories.lockForChange(tx, registry.id(), name.value())
                .chain(repository -> repository == null ? Uni.createFrom().item(false)
                        : manifests.tagStates(tx, repository.id(), List.of(tag)).chain(states -> {
                            TagState state = states.get(tag);
                            if (state == null || !state.digest().equals(digest)
                                    || state.changed().isNewerThan(change)) {
                                return Uni.createFrom().item(false);
                            }
                            Uni<Void> kept = registry.softDelete().enabled()
                                    ? deleted.keepTag(tx, repository.id(), tag, digest) : Uni.createFrom().voidItem();
                            return kept.chain(() -> manifests.untag(tx, repository.id(), tag));
                        })));
    }

    /** What deleting a repository removed. */
    public record RepositoryDeleted(List<String> manifestsDeleted, List<String> tagsDeleted) {
    }

    /**
     * Deletes every manifest and tag of the repository, announcing each manifest; null when the repository holds
     * nothing. Any lock refuses the whole deletion.
     */
    public Uni<RepositoryDeleted> deleteRepository(Registry registry, RepositoryName name, Origin origin) {
        return pool.withTransaction(tx -> repositories.lockForChange(tx, registry.id(), name.value())
                .chain(repository -> repository == null ? Uni.createFrom().nullItem()
                        : manifests.everything(tx, repository.id()).chain(targets -> targets.isEmpty()
                        ? Uni.createFrom().nullItem()
                        : deleteTargets(tx, registry, name, repository, targets, local(origin))
                        .call(() -> registry.softDelete().enabled()
                                ? deleted.markRepositoryDeleted(tx, repository.id(), true)
                                : Uni.createFrom().voidItem())
                        .map(v -> new RepositoryDeleted(
                                targets.stream().map(DeletionTarget::digest).toList(),
                                targets.stream().flatMap(t -> t.tags().stream()).sorted().toList())))));
    }

    private Uni<Void> deleteTargets(SqlConnection tx, Registry registry, RepositoryName name,
            Repositories.Locked repository, List<DeletionTarget> targets, Writer writer) {
        if (!repository.attributes().allowsDelete()) {
            throw locked("repository " + name + " is locked against deletion");
        }
        for (DeletionTarget target : targets) {
            if (!target.deletable()) {
                throw locked(name + "@" + target.digest() + " or one of its tags is locked against deletion");
            }
        }
        List<Long> ids = targets.stream().map(DeletionTarget::id).toList();
        // with soft delete on, everything that goes is kept aside first (ACR's soft-delete policy)
        Uni<Void> chain = (registry.softDelete().enabled() ? deleted.keepManifests(tx, ids)
                : Uni.createFrom().voidItem()).chain(() -> manifests.deleteAll(tx, ids));
        for (DeletionTarget target : targets) {
            chain = chain.chain(() -> events.deleted(tx, registry,
                    new ImageDeleted(registry.name(), name.value(), target.digest(), target.tags(),
                            writer.eventSite(), writer.change().at()),
                    target.mediaType(), writer.origin()));
        }
        return chain.invoke(() -> LOG.infof("deleted %d manifests from %s/%s (first %s, tags %s)", targets.size(),
                registry.name(), name, targets.get(0).digest(), targets.get(0).tags()));
    }

    /** Fails with NAME_UNKNOWN when the repository does not exist, else with the given code. */
    public <T> Uni<T> unknown(long registryId, RepositoryName name, ErrorCode code, String message) {
        return repositories.find(registryId, name.value()).chain(id -> Uni.createFrom().failure(id == null
                ? RegistryException.nameUnknown(name)
                : new RegistryException(code, message)));
    }

    static RegistryException locked(String message) {
        return new RegistryException(ErrorCode.LOCKED, message);
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
