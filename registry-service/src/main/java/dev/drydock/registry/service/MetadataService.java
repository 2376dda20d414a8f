package dev.drydock.registry.service;

import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ChangeableAttributes;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.ManifestMetadata;
import dev.drydock.registry.domain.MetadataOrder;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.RepositoryMetadata;
import dev.drydock.registry.domain.TagMetadata;
import dev.drydock.registry.persistence.Metadata;
import dev.drydock.registry.persistence.Repositories;
import dev.drydock.events.registry.AttributesChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/** ACR's metadata API over repositories, tags and manifests: attributes, listings in time order, locks. */
@ApplicationScoped
public class MetadataService {

    private static final Logger LOG = Logger.getLogger(MetadataService.class);

    /** A lock change: null fields stay as they are. */
    public record AttributeChange(Boolean deleteEnabled, Boolean writeEnabled, Boolean listEnabled,
            Boolean readEnabled) {

        ChangeableAttributes applyTo(ChangeableAttributes current) {
            return current.with(deleteEnabled, writeEnabled, listEnabled, readEnabled);
        }
    }

    private final Metadata metadata;
    private final Repositories repositories;
    private final Pool pool;
    private final ImageEvents events;
    private final Sites sites;

    MetadataService(Metadata metadata, Repositories repositories, Pool pool, ImageEvents events, Sites sites) {
        this.metadata = metadata;
        this.repositories = repositories;
        this.pool = pool;
        this.events = events;
        this.sites = sites;
    }

    public Uni<RepositoryMetadata> repository(Registry registry, RepositoryName name) {
        return metadata.repository(registry.id(), name.value()).onItem().ifNull().failWith(() ->
                RegistryException.nameUnknown(name));
    }

    public Uni<List<String>> catalog(Registry registry, String last, int n) {
        return repositories.listWithContent(registry.id(), last, n);
    }

    public Uni<RepositoryMetadata> updateRepository(Registry registry, RepositoryName name, AttributeChange change) {
        return repository(registry, name).chain(repo -> pool.withTransaction(tx -> metadata.updateRepository(tx,
                        repo.id(), change.applyTo(repo.attributes()))
                        .call(a -> announce(tx, registry, name, null, null, a))))
                .invoke(a -> LOG.infof("repository %s/%s attributes now %s", registry.name(), name, a))
                .chain(() -> repository(registry, name));
    }

    public Uni<List<TagMetadata>> tags(Registry registry, RepositoryName name, MetadataOrder order, String last,
            int n, String digest) {
        return repository(registry, name).chain(repo -> metadata.tags(repo.id(), order, last, n, digest));
    }

    public Uni<TagMetadata> tag(Registry registry, RepositoryName name, String tag) {
        return repository(registry, name).chain(repo -> metadata.tag(repo.id(), tag)).onItem().ifNull().failWith(
                () -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + tag + " is not in " + name, tag));
    }

    public Uni<TagMetadata> updateTag(Registry registry, RepositoryName name, String tag, AttributeChange change) {
        return repository(registry, name).chain(repo -> tag(registry, name, tag)
                .chain(current -> pool.withTransaction(tx -> {
                    ChangeableAttributes after = change.applyTo(current.attributes());
                    return metadata.updateTag(tx, repo.id(), tag, after)
                            .call(() -> announce(tx, registry, name, tag, null, after));
                }))
                .invoke(() -> LOG.infof("tag %s/%s:%s attributes changed", registry.name(), name, tag))
                .chain(() -> metadata.tag(repo.id(), tag)));
    }

    public Uni<List<ManifestMetadata>> manifests(Registry registry, RepositoryName name, MetadataOrder order,
            String last, int n) {
        return repository(registry, name).chain(repo -> metadata.manifests(repo.id(), order, last, n));
    }

    public Uni<ManifestMetadata> manifest(Registry registry, RepositoryName name, String digest) {
        return repository(registry, name).chain(repo -> metadata.manifest(repo.id(), digest)).onItem().ifNull()
                .failWith(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
                        "manifest " + digest + " is not in " + name, digest));
    }

    public Uni<ManifestMetadata> updateManifest(Registry registry, RepositoryName name, String digest,
            AttributeChange change) {
        return repository(registry, name).chain(repo -> manifest(registry, name, digest)
                .chain(current -> pool.withTransaction(tx -> {
                    ChangeableAttributes after = change.applyTo(current.attributes());
                    return metadata.updateManifest(tx, repo.id(), digest, after)
                            .call(() -> announce(tx, registry, name, null, digest, after));
                }))
                .invoke(() -> LOG.infof("manifest %s/%s@%s attributes changed", registry.name(), name, digest))
                .chain(() -> metadata.manifest(repo.id(), digest)));
    }

    /**
     * Sets locks as another site's client set them (geo-replication); nothing is announced again. False when this
     * site lacks the tag, manifest or repository.
     */
    public Uni<Boolean> applyReplicatedAttributes(Registry registry, RepositoryName name, String tag, String digest,
            ChangeableAttributes attributes) {
        return metadata.repository(registry.id(), name.value()).chain(repo -> {
            if (repo == null) {
                return Uni.createFrom().item(false);
            }
            if (tag != null) {
                return metadata.updateTag(pool, repo.id(), tag, attributes);
            }
            if (digest != null) {
                return metadata.updateManifest(pool, repo.id(), digest, attributes);
            }
            return metadata.updateRepository(pool, repo.id(), attributes).replaceWith(true);
        });
    }

    private Uni<Void> announce(SqlConnection tx, Registry registry, RepositoryName name, String tag, String digest,
            ChangeableAttributes a) {
        String site = sites.selfOrBlank();
        return events.attributesChanged(tx, new AttributesChanged(registry.name(), name.value(), tag, digest,
                a.deleteEnabled(), a.writeEnabled(), a.listEnabled(), a.readEnabled(), site.isEmpty() ? null : site,
                Instant.now()));
    }
}
