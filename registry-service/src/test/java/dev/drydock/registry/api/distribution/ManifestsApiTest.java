package dev.drydock.registry.api.distribution;

import dev.drydock.registry.testing.Oci;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.drydock.registry.testing.Oci.OCI_INDEX;
import static dev.drydock.registry.testing.Oci.OCI_MANIFEST;
import static dev.drydock.registry.testing.Oci.assertError;
import static dev.drydock.registry.testing.Oci.bytes;
import static dev.drydock.registry.testing.Oci.digest;
import static dev.drydock.registry.testing.Oci.imageManifest;
import static dev.drydock.registry.testing.Oci.putManifest;
import static dev.drydock.registry.testing.Oci.repo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ManifestsApiTest {

    @Test
    void pushByTagThenPullByTagAndDigestReturnsTheExactBytes() {
        String repo = repo("manifests/roundtrip");
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = bytes(500);
        // deliberately odd spacing: the registry must serve the bytes it got, not a re-serialisation
        String manifest = imageManifest(Oci.pushBlob(repo, config), config.length, Oci.pushBlob(repo, layer),
                layer.length, "").replace(",", " ,  ");
        String digest = digest(manifest.getBytes(StandardCharsets.UTF_8));
        putManifest(repo, "v1", OCI_MANIFEST, manifest).then().statusCode(201)
                .header("Location", "/v2/" + repo + "/manifests/" + digest)
                .header("Docker-Content-Digest", digest)
                .header("OCI-Subject", nullValue());

        for (String reference : List.of("v1", digest)) {
            Response get = given().get("/v2/" + repo + "/manifests/" + reference);
            get.then().statusCode(200).contentType(OCI_MANIFEST).header("Docker-Content-Digest", digest);
            assertEquals(manifest, get.asString());
            given().head("/v2/" + repo + "/manifests/" + reference).then().statusCode(200)
                    .header("Docker-Content-Digest", digest)
                    .header("Content-Length", String.valueOf(manifest.getBytes(StandardCharsets.UTF_8).length));
        }
    }

    @Test
    void manifestsMustReferenceBlobsOfTheirRepository() {
        String repo = repo("manifests/incomplete");
        String missingConfig = digest(bytes(7));
        String missingLayer = digest(bytes(9));
        Response response = putManifest(repo, "v1", OCI_MANIFEST, imageManifest(missingConfig, 7, missingLayer, 9, ""));
        assertError(response, 400, "MANIFEST_BLOB_UNKNOWN");
        assertEquals(List.of(missingConfig, missingLayer), response.jsonPath().getList("errors.detail"));
        assertError(given().get("/v2/" + repo + "/manifests/v1"), 404, "NAME_UNKNOWN");

        byte[] config = bytes(7);
        String configDigest = Oci.pushBlob(repo, config);
        assertError(putManifest(repo, "v1", OCI_MANIFEST, imageManifest(configDigest, 8, configDigest, 7, "")), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void malformedAndMislabelledManifestsAreRefused() {
        String repo = repo("manifests/bad");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, "{not json"), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, "{\"schemaVersion\":2,\"layers\":[]}"), 400,
                "MANIFEST_INVALID");
        String valid = imageManifest(digest(bytes(1)), 1, digest(bytes(1)), 1, "");
        assertError(putManifest(repo, "v1", OCI_INDEX, valid), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", "text/plain", valid.replace(OCI_MANIFEST, "text/plain")), 400,
                "MANIFEST_INVALID");
        assertError(putManifest(repo, "bad tag", OCI_MANIFEST, valid), 400, "TAG_INVALID");
        assertError(putManifest(repo, "sha256:" + "0".repeat(64), OCI_MANIFEST, valid), 400, "DIGEST_INVALID");
        given().get("/v2/" + repo + "/tags/list").then().statusCode(404);
    }

    @Test
    void oversizeManifestsGet413() {
        String repo = repo("manifests/big");
        String huge = "{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}";
        Response response = putManifest(repo, "v1", OCI_MANIFEST, huge);
        response.then().statusCode(413);
        assertEquals("MANIFEST_INVALID", response.jsonPath().getString("errors[0].code"));
    }

    @Test
    void indexesMustReferenceManifestsOfTheirRepository() {
        String repo = repo("manifests/index");
        String amd = Oci.pushImage(repo, "amd64", "");
        String arm = Oci.pushImage(repo, "arm64", "");
        int amdSize = given().get("/v2/" + repo + "/manifests/" + amd).asByteArray().length;
        int armSize = given().get("/v2/" + repo + "/manifests/" + arm).asByteArray().length;
        String template = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,"platform":{"os":"linux","architecture":"amd64"}},\
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,"platform":{"os":"linux","architecture":"arm64"}}]}""";
        String index = template.formatted(amd, amdSize, arm, armSize);
        putManifest(repo, "multi", OCI_INDEX, index).then().statusCode(201);
        given().get("/v2/" + repo + "/manifests/multi").then().statusCode(200).contentType(OCI_INDEX);

        String dangling = index.replace(arm, digest(bytes(3)));
        assertError(putManifest(repo, "dangling", OCI_INDEX, dangling), 400, "MANIFEST_BLOB_UNKNOWN");
        // a child's size must be the stored manifest's: a client trusting it would read too little
        assertError(putManifest(repo, "wrongsize", OCI_INDEX, template.formatted(amd, 1, arm, armSize)), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void whatAManifestSaysItIsMustBeWhatItIs() {
        String repo = repo("manifests/strict");
        byte[] config = bytes(3);
        byte[] layer = bytes(4);
        String manifest = imageManifest(Oci.pushBlob(repo, config), 3, Oci.pushBlob(repo, layer), 4, "");
        // a Content-Type that is no manifest type, or none, is refused rather than guessed
        for (String type : new String[] {"text/plain", OCI_INDEX}) {
            assertError(putManifest(repo, "typed", type, manifest), 400, "MANIFEST_INVALID");
        }
        assertError(given().body(manifest.getBytes(StandardCharsets.UTF_8)).put("/v2/" + repo + "/manifests/none"),
                400, "MANIFEST_INVALID");
        // duplicate keys: "last one wins" would let Drydock and a client read two different manifests
        String duplicated = manifest.replaceFirst("\\{", "{\"schemaVersion\":1,");
        assertError(putManifest(repo, "dup", OCI_MANIFEST, duplicated), 400, "MANIFEST_INVALID");
        putManifest(repo, "good", OCI_MANIFEST, manifest).then().statusCode(201);
    }

    @Test
    void pushByDigestVerifiesItAndMayTag() {
        String repo = repo("manifests/bydigest");
        byte[] config = bytes(3);
        byte[] layer = bytes(4);
        String manifest = imageManifest(Oci.pushBlob(repo, config), 3, Oci.pushBlob(repo, layer), 4, "");
        String digest = digest(manifest.getBytes(StandardCharsets.UTF_8));
        given().contentType(OCI_MANIFEST).body(manifest.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + repo + "/manifests/" + digest + "?tag=a&tag=b")
                .then().statusCode(201).header("OCI-Tag", "a, b");
        assertEquals(List.of("a", "b"), given().get("/v2/" + repo + "/tags/list").jsonPath().getList("tags"));
    }

    @Test
    void unknownReferencesAnswer404() {
        String repo = repo("manifests/unknown");
        Oci.pushImage(repo, "present", "");
        assertError(given().get("/v2/" + repo + "/manifests/absent"), 404, "MANIFEST_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/manifests/.INVALID_MANIFEST_NAME"), 404, "MANIFEST_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/manifests/sha256:" + "f".repeat(64)), 404, "MANIFEST_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/manifests/sha256:totallywrong"), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/never/pushed/manifests/latest"), 404, "NAME_UNKNOWN");
    }

    @Test
    void deletingATagKeepsTheManifestAndDeletingTheManifestRemovesItsTags() {
        String repo = repo("manifests/delete");
        String digest = Oci.pushImage(repo, "one", "");
        putManifest(repo, "two", OCI_MANIFEST, given().get("/v2/" + repo + "/manifests/one").asString())
                .then().statusCode(201);
        given().delete("/v2/" + repo + "/manifests/one").then().statusCode(202);
        assertError(given().get("/v2/" + repo + "/manifests/one"), 404, "MANIFEST_UNKNOWN");
        given().get("/v2/" + repo + "/manifests/" + digest).then().statusCode(200);

        given().delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(202);
        given().get("/v2/" + repo + "/manifests/two").then().statusCode(404);
        given().get("/v2/" + repo + "/manifests/" + digest).then().statusCode(404);
        assertError(given().delete("/v2/" + repo + "/manifests/" + digest), 404, "MANIFEST_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void helmChartsAreStoredAsTheOciArtifactsHelmPushes() {
        String repo = repo("manifests/charts");
        byte[] config = "{\"name\":\"web\",\"version\":\"1.2.3\",\"apiVersion\":\"v2\"}".getBytes(StandardCharsets.UTF_8);
        byte[] chart = bytes(2048);
        String manifest = """
                {"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"%s","size":%d}],\
                "annotations":{"org.opencontainers.image.title":"web"}}""".formatted(Oci.pushBlob(repo, config),
                config.length, Oci.pushBlob(repo, chart), chart.length);
        putManifest(repo, "1.2.3", OCI_MANIFEST, manifest).then().statusCode(201);
        assertEquals(manifest, given().get("/v2/" + repo + "/manifests/1.2.3").then().statusCode(200)
                .contentType(OCI_MANIFEST).extract().asString());
    }

    @Test
    void unsupportedMethodsAnswer405() {
        assertError(given().post("/v2/x/manifests/latest"), 405, "UNSUPPORTED");
    }
}
