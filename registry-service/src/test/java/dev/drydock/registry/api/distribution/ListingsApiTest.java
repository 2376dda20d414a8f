package dev.drydock.registry.api.distribution;

import dev.drydock.registry.testing.Oci;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.drydock.registry.testing.Oci.OCI_MANIFEST;
import static dev.drydock.registry.testing.Oci.assertError;
import static dev.drydock.registry.testing.Oci.putManifest;
import static dev.drydock.registry.testing.Oci.repo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ListingsApiTest {

    @Test
    void tagListPagesWithNLastAndLink() {
        String repo = repo("listings/tags");
        String manifest = given().get("/v2/" + repo + "/manifests/" + Oci.pushImage(repo, "a", "")).asString();
        for (String tag : List.of("B", "c", "d", "e")) {
            putManifest(repo, tag, OCI_MANIFEST, manifest).then().statusCode(201);
        }
        assertEquals(List.of("B", "a", "c", "d", "e"), tags(given().get("/v2/" + repo + "/tags/list")));

        Response first = given().get("/v2/" + repo + "/tags/list?n=2");
        assertEquals(List.of("B", "a"), tags(first));
        String link = first.header("Link");
        assertEquals("</v2/" + repo + "/tags/list?n=2&last=a>; rel=\"next\"", link);
        Response second = given().get(link.substring(1, link.indexOf('>')));
        assertEquals(List.of("c", "d"), tags(second));
        Response third = given().get("/v2/" + repo + "/tags/list?n=2&last=d");
        assertEquals(List.of("e"), tags(third));
        third.then().header("Link", nullValue());

        Response none = given().get("/v2/" + repo + "/tags/list?n=0");
        assertEquals(List.of(), tags(none));
        none.then().header("Link", nullValue());
        assertEquals(List.of("d", "e"), tags(given().get("/v2/" + repo + "/tags/list?last=c")));
        assertError(given().get("/v2/" + repo + "/tags/list?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(given().get("/v2/" + repo + "/tags/list?n=many"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(given().get("/v2/listings/none-such/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void catalogListsRepositoriesWithContentInPages() {
        String prefix = "listings/catalog-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> pushed = new ArrayList<>();
        for (String suffix : List.of("a", "b", "c")) {
            Oci.pushImage(prefix + "/" + suffix, "v1", "");
            pushed.add(prefix + "/" + suffix);
        }
        Oci.pushBlob(prefix + "/blob-only", Oci.bytes(10));

        List<String> all = new ArrayList<>();
        String next = "/v2/_catalog?n=2";
        for (int pages = 0; next != null; pages++) {
            assertTrue(pages < 10_000, "the catalog's Link chain must end");
            // the Link is already encoded; rest-assured must not encode it twice
            Response page = given().urlEncodingEnabled(false).get(next);
            page.then().statusCode(200);
            List<String> names = page.jsonPath().getList("repositories");
            assertTrue(names.size() <= 2);
            all.addAll(names);
            String link = page.header("Link");
            next = link == null ? null : link.substring(1, link.indexOf('>'));
        }
        assertTrue(all.containsAll(pushed), () -> "catalog " + all + " lacks " + pushed);
        assertTrue(!all.contains(prefix + "/blob-only"), "a repository without manifests is not listed");
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(String::compareTo);
        assertEquals(sorted, all, "catalog is in byte order");
    }

    @Test
    void referrersListArtifactsWithTheirSubjectAndFilterByType() {
        String repo = repo("listings/referrers");
        String subject = Oci.pushImage(repo, "app", "");
        String subjectJson = ",\"subject\":{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + subject
                + "\",\"size\":100}";
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        String emptyDigest = Oci.pushBlob(repo, empty);
        byte[] sbom = Oci.bytes(50);
        String sbomDigest = Oci.pushBlob(repo, sbom);
        String artifact = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "artifactType":"application/vnd.example.sbom","config":{"mediaType":"application/vnd.oci.empty.v1+json",\
                "digest":"%s","size":2},"layers":[{"mediaType":"application/json","digest":"%s","size":50}],\
                "annotations":{"org.example.kind":"sbom"}%s}""".formatted(emptyDigest, sbomDigest, subjectJson);
        String artifactDigest = Oci.digest(artifact.getBytes(StandardCharsets.UTF_8));
        putManifest(repo, artifactDigest, OCI_MANIFEST, artifact).then().statusCode(201).header("OCI-Subject", subject);
        Oci.pushImage(repo, "signature", subjectJson);

        Response all = given().get("/v2/" + repo + "/referrers/" + subject);
        all.then().statusCode(200).contentType(Oci.OCI_INDEX).header("OCI-Filters-Applied", nullValue());
        assertEquals(2, all.jsonPath().getList("manifests").size());
        Response sboms = given().get("/v2/" + repo + "/referrers/" + subject + "?artifactType=application/vnd.example.sbom");
        sboms.then().statusCode(200).header("OCI-Filters-Applied", "artifactType");
        assertEquals(List.of(artifactDigest), sboms.jsonPath().getList("manifests.digest"));
        assertEquals("sbom", sboms.jsonPath().getString("manifests[0].annotations.'org.example.kind'"));
        assertEquals("application/vnd.example.sbom", sboms.jsonPath().getString("manifests[0].artifactType"));

        Response none = given().get("/v2/" + repo + "/referrers/sha256:" + "e".repeat(64));
        none.then().statusCode(200);
        assertEquals(0, none.jsonPath().getList("manifests").size());
        assertError(given().get("/v2/" + repo + "/referrers/sha256:nope"), 400, "DIGEST_INVALID");
    }

    @Test
    void baseEndpointAnswers() {
        given().get("/v2/").then().statusCode(200).header("Docker-Distribution-Api-Version", "registry/2.0");
        given().get("/v2").then().statusCode(200);
    }

    private static List<String> tags(Response response) {
        response.then().statusCode(200);
        return response.jsonPath().getList("tags");
    }
}
