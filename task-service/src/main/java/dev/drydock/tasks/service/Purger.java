package dev.drydock.tasks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.tasks.domain.purge.PurgeCommand;
import dev.drydock.tasks.domain.purge.PurgeFilter;
import dev.drydock.tasks.driver.RunControl;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * acr purge, built in: the tag phase (matching tags older than --ago, newest first, the newest --keep kept, locked
 * tags skipped unless --include-locked) and the manifest phase (--untagged, --untagged-only: untagged manifests older
 * than --ago, never a child of a protected index, never a referrer — the registry deletes those with their subject),
 * through the registry's /acr/v1 and /v2 APIs with the task service's token, printing what is (or would be) deleted
 * and the totals. 404 counts as deleted; 405 (a lock) is skipped.
 */
@ApplicationScoped
public class Purger {

    /** What a purge deleted, or would delete with --dry-run. */
    public record Totals(int tags, int manifests) {
    }

    private record Tag(String name, String digest, Instant updated, boolean locked) {
    }

    private record Manifest(String digest, String mediaType, Instant updated, int tags, boolean locked) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INDEXES = Set.of("application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    /** Types that may have a subject (signatures, SBOMs …), so they are read before deletion. */
    private static final Set<String> MAY_REFER = Set.of("application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.artifact.manifest.v1+json");
    private static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.artifact.manifest.v1+json");

    private final RegistryAccess registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Purger(RegistryAccess registry) {
        this.registry = registry;
    }

    /** Purges the run's registry. @param token the service token, or null for a registry without authentication */
    public Totals purge(PurgeCommand command, String registryName, String token, Consumer<String> log,
            RunControl control) throws IOException {
        String server = registry.loginServer(registryName);
        if (command.registry() != null && !command.registry().equalsIgnoreCase(registryName)
                && !command.registry().equalsIgnoreCase(server)) {
            throw new RunExecutor.StepFailure("acr purge works on the run's own registry " + registryName
                    + ", not " + command.registry());
        }
        Session session = new Session(server, token, command, log, control);
        List<String> repositories = new ArrayList<>();
        for (String repository : session.catalog()) {
            if (command.filters().isEmpty() || command.filters().stream().anyMatch(f -> f.matchesRepository(repository))) {
                repositories.add(repository);
            }
        }
        repositories.sort(Comparator.naturalOrder());
        for (String repository : repositories) {
            if (control.stopped() != null) {
                break;
            }
            boolean manifestPhase = command.untagged() || command.untaggedOnly();
            // untagging moves a manifest's lastUpdateTime; its age is judged by the time before this purge, so a
            // dry run and the real run choose the same manifests
            Map<String, Instant> before = manifestPhase && !command.untaggedOnly() ? session.times(repository)
                    : Map.of();
            Map<String, Integer> untagged = command.untaggedOnly() ? Map.of() : session.tags(repository);
            if (manifestPhase) {
                session.manifests(repository, untagged, before);
            }
        }
        Totals totals = new Totals(session.tags.get(), session.manifests.get());
        log.accept(command.dryRun() ? "Number of tags to be deleted: " + totals.tags()
                : "Number of deleted tags: " + totals.tags());
        log.accept(command.dryRun() ? "Number of manifests to be deleted: " + totals.manifests()
                : "Number of deleted manifests: " + totals.manifests());
        return totals;
    }

    /** One purge's connection to the registry, its cutoff and its counts. */
    private final class Session {
        private final String server;
        private final String authorization;
        private final PurgeCommand command;
        private final Consumer<String> log;
        private final RunControl control;
        private final Instant cutoff;
        private final AtomicInteger tags = new AtomicInteger();
        private final AtomicInteger manifests = new AtomicInteger();

        Session(String server, String token, PurgeCommand command, Consumer<String> log, RunControl control) {
            this.server = server;
            this.authorization = token == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                    (RegistryAccess.REFRESH_TOKEN_USER + ":" + token).getBytes(StandardCharsets.UTF_8));
            this.command = command;
            this.log = log;
            this.control = control;
            this.cutoff = command.ago() == null ? Instant.now() : Instant.now().minus(command.ago());
        }

        List<String> catalog() throws IOException {
            List<String> names = new ArrayList<>();
            for (JsonNode page : pages("/acr/v1/_catalog?n=100")) {
                page.path("repositories").forEach(name -> names.add(name.asText()));
            }
            return names;
        }

        /** The tag phase. @return per digest, how many of its tags were (or would be) deleted */
        Map<String, Integer> tags(String repository) throws IOException {
            List<PurgeFilter> filters = command.filters().stream().filter(f -> f.matchesRepository(repository))
                    .toList();
            log.accept((command.dryRun() ? "Would delete" : "Deleting") + " tags for repository: " + repository);
            List<Tag> eligible = new ArrayList<>();
            for (JsonNode page : pages("/acr/v1/" + repository + "/_tags?orderby=timedesc&n=100")) {
                for (JsonNode tag : page.path("tags")) {
                    Tag t = new Tag(tag.path("name").asText(), tag.path("digest").asText(),
                            time(tag.path("lastUpdateTime").asText(null)), locked(tag));
                    if (filters.stream().anyMatch(f -> f.matchesTag(t.name())) && t.updated() != null
                            && t.updated().isBefore(cutoff) && (command.includeLocked() || !t.locked())) {
                        eligible.add(t);
                    }
                }
            }
            List<Tag> doomed = eligible.subList(Math.min(command.keep(), eligible.size()), eligible.size());
            Map<String, Integer> perDigest = new HashMap<>();
            doomed.forEach(t -> perDigest.merge(t.digest(), 1, Integer::sum));
            concurrently(doomed, t -> {
                String reference = server + "/" + repository + ":" + t.name();
                if (command.dryRun()) {
                    log.accept("Would delete " + reference);
                    tags.incrementAndGet();
                    return;
                }
                String path = "/acr/v1/" + repository + "/_tags/" + encode(t.name());
                if (t.locked()) {
                    unlock(path, reference);
                }
                deleted(send("DELETE", path, null).statusCode(), reference, tags);
            });
            return perDigest;
        }

        /** Each manifest's lastUpdateTime now. */
        Map<String, Instant> times(String repository) throws IOException {
            Map<String, Instant> times = new HashMap<>();
            for (Manifest m : listManifests(repository)) {
                if (m.updated() != null) {
                    times.put(m.digest(), m.updated());
                }
            }
            return times;
        }

        private List<Manifest> listManifests(String repository) throws IOException {
            List<Manifest> all = new ArrayList<>();
            for (JsonNode page : pages("/acr/v1/" + repository + "/_manifests?n=100")) {
                for (JsonNode m : page.path("manifests")) {
                    all.add(new Manifest(m.path("digest").asText(), m.path("mediaType").asText(null),
                            time(m.path("lastUpdateTime").asText(null)), m.path("tags").size(), locked(m)));
                }
            }
            return all;
        }

        /** The manifest phase: untagged manifests older than the cutoff, unless protected. */
        void manifests(String repository, Map<String, Integer> tagsDeleted, Map<String, Instant> before)
                throws IOException {
            List<Manifest> all = new ArrayList<>();
            for (Manifest m : listManifests(repository)) {
                Instant earlier = tagsDeleted.containsKey(m.digest()) ? before.get(m.digest()) : null;
                all.add(earlier == null ? m : new Manifest(m.digest(), m.mediaType(), earlier, m.tags(), m.locked()));
            }
            Set<String> ignore = new HashSet<>();
            List<Manifest> candidates = new ArrayList<>();
            for (Manifest m : all) {
                boolean byTags = command.dryRun() ? m.tags() > tagsDeleted.getOrDefault(m.digest(), 0) : m.tags() > 0;
                boolean byAge = m.updated() == null || !m.updated().isBefore(cutoff);
                if (byTags || byAge) {
                    if (INDEXES.contains(m.mediaType())) {
                        protectChildren(repository, m.digest(), ignore);
                    }
                    continue;
                }
                if (m.mediaType() == null || m.locked() && !command.includeLocked()) {
                    continue;
                }
                if (MAY_REFER.contains(m.mediaType())) {
                    JsonNode body = manifest(repository, m.digest());
                    if (body != null && body.hasNonNull("subject")) {
                        if (INDEXES.contains(m.mediaType())) {
                            protectChildren(repository, m.digest(), ignore);
                        }
                        continue;
                    }
                }
                candidates.add(m);
            }
            candidates.removeIf(m -> ignore.contains(m.digest()));
            if (command.keep() > 0) {
                candidates.sort(Comparator.comparing((Manifest m) -> m.updated() == null ? Instant.MIN : m.updated())
                        .reversed().thenComparing(Manifest::digest));
                candidates = candidates.size() <= command.keep() ? List.of()
                        : candidates.subList(command.keep(), candidates.size());
            }
            concurrently(candidates, m -> {
                String reference = server + "/" + repository + "@" + m.digest();
                if (command.dryRun()) {
                    log.accept("Would delete " + reference);
                    manifests.incrementAndGet();
                    return;
                }
                if (m.locked()) {
                    unlock("/acr/v1/" + repository + "/_manifests/" + m.digest(), reference);
                }
                deleted(send("DELETE", "/v2/" + repository + "/manifests/" + m.digest(), null).statusCode(),
                        reference, manifests);
            });
        }

        /** Adds an index's children, through nested indexes, to the manifests that stay. */
        private void protectChildren(String repository, String digest, Set<String> ignore) throws IOException {
            JsonNode index = manifest(repository, digest);
            if (index == null) {
                return;
            }
            for (JsonNode child : index.path("manifests")) {
                String childDigest = child.path("digest").asText();
                if (ignore.add(childDigest) && INDEXES.contains(child.path("mediaType").asText())) {
                    protectChildren(repository, childDigest, ignore);
                }
            }
        }

        private JsonNode manifest(String repository, String digest) throws IOException {
            HttpResponse<byte[]> response = send("GET", "/v2/" + repository + "/manifests/" + digest, null);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        }

        private void unlock(String path, String reference) throws IOException {
            int status = send("PATCH", path, "{\"deleteEnabled\":true,\"writeEnabled\":true}").statusCode();
            if (status == 200) {
                log.accept("Unlocked " + reference);
            }
        }

        private void deleted(int status, String reference, AtomicInteger count) throws IOException {
            switch (status) {
                case 200, 202, 204 -> {
                    log.accept("Deleted " + reference);
                    count.incrementAndGet();
                }
                case 404 -> {
                    log.accept("Deleted " + reference + " (it was already gone)");
                    count.incrementAndGet();
                }
                case 405 -> log.accept("Skipped " + reference + ", HTTP status: 405");
                default -> throw new IOException("deleting " + reference + " answered HTTP " + status);
            }
        }

        /** Every page of a listing, following the registry's Link headers. */
        private List<JsonNode> pages(String first) throws IOException {
            List<JsonNode> pages = new ArrayList<>();
            String next = first;
            while (next != null) {
                HttpResponse<byte[]> response = send("GET", next, null);
                if (response.statusCode() == 404) {
                    break;
                }
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + next + " answered HTTP " + response.statusCode());
                }
                pages.add(JSON.readTree(response.body()));
                next = response.headers().firstValue("Link").map(link -> link.substring(link.indexOf('<') + 1,
                        link.indexOf('>'))).orElse(null);
            }
            return pages;
        }

        private interface Deletion<T> {
            void apply(T item) throws IOException;
        }

        /** Deletions inside one repository, --concurrency at a time; the first failure ends the purge. */
        private <T> void concurrently(List<T> items, Deletion<T> deletion) throws IOException {
            if (items.isEmpty()) {
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(command.concurrency(), items.size()));
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (T item : items) {
                    futures.add(pool.submit(() -> {
                        if (control.stopped() == null) {
                            deletion.apply(item);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        }

        private HttpResponse<byte[]> send(String method, String path, String json) throws IOException {
            HttpRequest.Builder request = registry.servers().request(URI.create(registry.servers().scheme() + "://"
                            + server + path))
                    .timeout(Duration.ofSeconds(30)).header("Accept", path.startsWith("/v2/") ? ACCEPT
                            : "application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static boolean locked(JsonNode item) {
        JsonNode attributes = item.path("changeableAttributes");
        return !attributes.path("deleteEnabled").asBoolean(true) || !attributes.path("writeEnabled").asBoolean(true);
    }

    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
