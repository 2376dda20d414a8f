package dev.drydock.registry.service;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.SiteChange;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writes the replicator makes (geo-replication): a tag moves only for a change newer than its last move here,
 * equal times go to the greater site name, and a deletion does not remove what a tag moved onto later.
 */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ReplicatedWritesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ManifestService manifests;

    @Inject
    RegistryService registries;

    @Test
    void aTagMovesOnlyForTheLastWriterAndTiesGoToTheGreaterSite() {
        String repo = Oci.repo("lww");
        Registry registry = registries.get(Registry.DEFAULT).await().atMost(WAIT);
        String local = Oci.pushImage(repo, "t", "");
        Instant afterLocal = Instant.now();

        byte[] older = manifest(repo);
        List<String> moved = replicate(registry, repo, older, new SiteChange(afterLocal.minusSeconds(3600), "east"));
        assertEquals(List.of(), moved, "a change older than the local push moves nothing");
        assertEquals(local, digestOf(repo, "t"));
        assertEquals(200, Oci.at(null).head("/v2/" + repo + "/manifests/" + Oci.digest(older)).statusCode(),
                "the content is stored all the same");

        byte[] newer = manifest(repo);
        SiteChange at = new SiteChange(afterLocal.plusSeconds(1), "east");
        assertEquals(List.of("t"), replicate(registry, repo, newer, at));
        assertEquals(Oci.digest(newer), digestOf(repo, "t"));

        assertEquals(List.of(), replicate(registry, repo, manifest(repo), new SiteChange(at.at(), "alpha")),
                "a tie loses to the greater site name");
        byte[] tieWinner = manifest(repo);
        SiteChange zulu = new SiteChange(at.at(), "zulu");
        assertEquals(List.of("t"), replicate(registry, repo, tieWinner, zulu));
        assertEquals(Oci.digest(tieWinner), digestOf(repo, "t"));

        // an older copy of what the tag already points at leaves its clock alone: a later move still wins over it
        assertEquals(List.of(), replicate(registry, repo, tieWinner, new SiteChange(afterLocal, "east")));
        assertEquals(List.of(), replicate(registry, repo, manifest(repo), new SiteChange(at.at(), "east")),
                "the tag's clock is still zulu's");
    }

    @Test
    void aDeletionDoesNotRemoveWhatATagMovedOntoLater() {
        String repo = Oci.repo("lww-delete");
        Registry registry = registries.get(Registry.DEFAULT).await().atMost(WAIT);
        String digest = Oci.pushImage(repo, "v1", "");
        Instant pushed = Instant.now();
        RepositoryName name = RepositoryName.of(repo);

        assertFalse(manifests.deleteReplicated(registry, name, digest, new SiteChange(pushed.minusSeconds(60),
                "east"), "east").await().atMost(WAIT), "deleted elsewhere before the tag moved here: it stays");
        assertEquals(digest, digestOf(repo, "v1"));

        assertTrue(manifests.deleteReplicated(registry, name, digest, new SiteChange(pushed.plusSeconds(1), "east"),
                "east").await().atMost(WAIT));
        assertEquals(404, Oci.at(null).head("/v2/" + repo + "/manifests/" + digest).statusCode());
    }

    private List<String> replicate(Registry registry, String repo, byte[] manifest, SiteChange change) {
        return manifests.pushReplicated(registry, RepositoryName.of(repo), Reference.tag("t"), Oci.OCI_MANIFEST,
                manifest, change, "east").await().atMost(WAIT).tags();
    }

    /** A manifest whose blobs are in the repository, not pushed itself. */
    private static byte[] manifest(String repo) {
        return Oci.imageManifest(null, repo, "").getBytes(StandardCharsets.UTF_8);
    }

    private static String digestOf(String repo, String tag) {
        return Oci.at(null).header("Accept", Oci.OCI_MANIFEST).head("/v2/" + repo + "/manifests/" + tag)
                .then().statusCode(200).extract().header("Docker-Content-Digest");
    }
}
