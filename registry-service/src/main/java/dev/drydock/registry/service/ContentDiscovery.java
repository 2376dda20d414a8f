package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Referrer;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.Manifests;
import dev.drydock.registry.persistence.Repositories;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Tag lists, the catalog and referrers: indexed queries, paged by {@code n} and {@code last}. */
@ApplicationScoped
public class ContentDiscovery {

    /** One page; {@code hasMore} tells whether a next page exists (then a Link header points at it). */
    public record Page(List<String> items, boolean hasMore) {
        public String lastItem() {
            return items.get(items.size() - 1);
        }
    }

    private final Repositories repositories;
    private final Manifests manifests;

    ContentDiscovery(Repositories repositories, Manifests manifests) {
        this.repositories = repositories;
        this.manifests = manifests;
    }

    public Uni<Page> tags(long registryId, RepositoryName name, String last, int n) {
        // a repository whose last manifest went is gone for its clients, though its row stays for its blobs
        Uni<Long> withContent = repositories.find(registryId, name.value()).chain(id -> id == null
                ? Uni.createFrom().nullItem()
                : manifests.hasContent(id).map(has -> has ? id : null));
        return withContent.chain(id -> {
            if (id == null) {
                return Uni.createFrom().failure(new RegistryException(ErrorCode.NAME_UNKNOWN,
                        "repository " + name + " is not known", name.value()));
            }
            return n == 0 ? Uni.createFrom().item(new Page(List.of(), false))
                    : manifests.tags(id, last, n + 1).map(tags -> page(tags, n));
        });
    }

    public Uni<Page> catalog(long registryId, String last, int n) {
        if (n == 0) {
            return Uni.createFrom().item(new Page(List.of(), false));
        }
        return repositories.listWithContent(registryId, last, n + 1).map(names -> page(names, n));
    }

    public Uni<List<Referrer>> referrers(long registryId, RepositoryName name, Digest subject,
            String artifactType) {
        return repositories.find(registryId, name.value()).chain(id -> id == null ? Uni.createFrom().item(List.of())
                : manifests.referrers(id, subject.toString(), artifactType));
    }

    private static Page page(List<String> fetched, int n) {
        return fetched.size() > n ? new Page(fetched.subList(0, n), true) : new Page(fetched, false);
    }
}
