package dev.drydock.registry.api.metadata;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.drydock.registry.testing.Oci.OCI_INDEX;
import static dev.drydock.registry.testing.Oci.OCI_MANIFEST;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class MetadataResourceTest {

    private static final String ACR_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z";

    private static void patch(String path, String body, int status) {
        given().contentType(ContentType.JSON).body(body).patch(path).then().statusCode(status);
    }

    @Test
    void repositoryTagsAndManifestsWithAcrFieldNames() {
        String repo = Oci.repo("meta/attrs");
        String first = Oci.pushImage(repo, "v1", "");
        String second = Oci.pushImage(repo, "v2", "");
        Oci.putManifest(repo, "latest", OCI_MANIFEST, given().get("/v2/" + repo + "/manifests/v2").asString())
                .then().statusCode(201);

        given().get("/acr/v1/" + repo).then().statusCode(200)
                .body("registry", equalTo("default.drydock.localhost"))
                .body("imageName", equalTo(repo))
                .body("manifestCount", equalTo(2))
                .body("tagCount", equalTo(3))
                .body("createdTime", matchesPattern(ACR_TIME))
                .body("lastUpdateTime", matchesPattern(ACR_TIME))
                .body("changeableAttributes.deleteEnabled", equalTo(true))
                .body("changeableAttributes.writeEnabled", equalTo(true))
                .body("changeableAttributes.listEnabled", equalTo(true))
                .body("changeableAttributes.readEnabled", equalTo(true));

        // newest first, one per page, with a Link that carries the order and is absent on the last page
        Response page1 = given().get("/acr/v1/" + repo + "/_tags?orderby=timedesc&n=2");
        page1.then().statusCode(200).body("imageName", equalTo(repo))
                .body("tags.name", equalTo(List.of("latest", "v2")))
                .body("tags[0].digest", equalTo(second))
                .body("tags[0].signed", equalTo(false));
        String link = page1.header("Link");
        assertEquals("</acr/v1/" + repo + "/_tags?last=v2&n=2&orderby=timedesc>; rel=\"next\"", link);
        Response page2 = given().urlEncodingEnabled(false).get(link.substring(1, link.indexOf('>')));
        page2.then().statusCode(200).body("tags.name", equalTo(List.of("v1")));
        assertNull(page2.header("Link"));
        given().get("/acr/v1/" + repo + "/_tags?orderby=timeasc").then()
                .body("tags.name", equalTo(List.of("v1", "v2", "latest")));
        given().get("/acr/v1/" + repo + "/_tags?digest=" + second).then()
                .body("tags.name", equalTo(List.of("latest", "v2")));
        given().get("/acr/v1/" + repo + "/_tags/v1").then().statusCode(200)
                .body("tag.name", equalTo("v1")).body("tag.digest", equalTo(first));
        given().get("/acr/v1/" + repo + "/_tags?orderby=sideways").then().statusCode(405);

        given().get("/acr/v1/" + repo + "/_manifests/" + second).then().statusCode(200)
                .body("manifest.digest", equalTo(second))
                .body("manifest.architecture", equalTo("amd64"))
                .body("manifest.os", equalTo("linux"))
                .body("manifest.mediaType", equalTo(OCI_MANIFEST))
                .body("manifest.configMediaType", equalTo("application/vnd.oci.image.config.v1+json"))
                .body("manifest.tags", equalTo(List.of("latest", "v2")))
                .body("manifest.imageSize", org.hamcrest.Matchers.greaterThan(1000));

        // untag: 202, the manifest stays, and untagged manifests carry no tags key at all
        given().delete("/acr/v1/" + repo + "/_tags/v1").then().statusCode(202);
        given().delete("/acr/v1/" + repo + "/_tags/v1").then().statusCode(404);
        given().get("/v2/" + repo + "/manifests/" + first).then().statusCode(200);
        Response manifests = given().get("/acr/v1/" + repo + "/_manifests?orderby=timeasc");
        // losing its tag updated the first manifest, so it is now the most recently updated
        manifests.then().statusCode(200).body("manifests.digest", equalTo(List.of(second, first)));
        assertEquals(false, manifests.jsonPath().getMap("manifests[1]").containsKey("tags"));
        given().get("/acr/v1/_catalog?n=100000").then().statusCode(200).body("repositories", hasItem(repo));
    }

    @Test
    void indexesListTheirChildrenAsReferences() {
        String repo = Oci.repo("meta/index");
        String child = Oci.pushImage(repo, "amd", "");
        Response got = given().get("/v2/" + repo + "/manifests/" + child);
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,\
                "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(OCI_INDEX, OCI_MANIFEST, child,
                got.asByteArray().length);
        String digest = Oci.putManifest(repo, "multi", OCI_INDEX, index).then().statusCode(201).extract()
                .header("Docker-Content-Digest");
        given().get("/acr/v1/" + repo + "/_manifests/" + digest).then().statusCode(200)
                .body("manifest.references[0].digest", equalTo(child))
                .body("manifest.references[0].architecture", equalTo("amd64"))
                .body("manifest.references[0].os", equalTo("linux"))
                .body("manifest.architecture", nullValue());
    }

    @Test
    void locksAreEnforcedOnEveryPath() {
        String repo = Oci.repo("meta/locks");
        String v1 = Oci.pushImage(repo, "v1", "");
        String other = Oci.imageManifest(null, repo, "");

        // writeEnabled=false on a tag: no overwrite, no untag, no delete of its manifest
        patch("/acr/v1/" + repo + "/_tags/v1", "{\"writeEnabled\":false}", 200);
        given().get("/acr/v1/" + repo + "/_tags/v1").then().body("tag.changeableAttributes.writeEnabled", equalTo(false))
                .body("tag.changeableAttributes.deleteEnabled", equalTo(true));
        Oci.assertError(Oci.putManifest(repo, "v1", OCI_MANIFEST, other), 405, "DENIED");
        given().get("/v2/" + repo + "/manifests/v1").then().statusCode(200).header("Docker-Content-Digest", v1);
        Oci.putManifest(repo, "v1", OCI_MANIFEST, given().get("/v2/" + repo + "/manifests/v1").asString())
                .then().statusCode(201);
        Oci.assertError(given().delete("/v2/" + repo + "/manifests/v1"), 405, "DENIED");
        Oci.assertError(given().delete("/v2/" + repo + "/manifests/" + v1), 405, "DENIED");
        given().delete("/acr/v1/" + repo + "/_tags/v1").then().statusCode(405);
        patch("/acr/v1/" + repo + "/_tags/v1", "{\"writeEnabled\":true}", 200);

        // deleteEnabled=false on the manifest: pushes fine, deletes refused
        patch("/acr/v1/" + repo + "/_manifests/" + v1, "{\"deleteEnabled\":false}", 200);
        Oci.assertError(given().delete("/v2/" + repo + "/manifests/" + v1), 405, "DENIED");
        given().delete("/acr/v1/" + repo).then().statusCode(405);
        patch("/acr/v1/" + repo + "/_manifests/" + v1, "{\"deleteEnabled\":true}", 200);

        // readEnabled=false blocks pulls by tag and by digest; metadata still reads
        patch("/acr/v1/" + repo + "/_manifests/" + v1, "{\"readEnabled\":false}", 200);
        Oci.assertError(given().get("/v2/" + repo + "/manifests/v1"), 403, "DENIED");
        Oci.assertError(given().get("/v2/" + repo + "/manifests/" + v1), 403, "DENIED");
        given().get("/acr/v1/" + repo + "/_manifests/" + v1).then().statusCode(200)
                .body("manifest.changeableAttributes.readEnabled", equalTo(false));
        patch("/acr/v1/" + repo + "/_manifests/" + v1, "{\"readEnabled\":true}", 200);

        // listEnabled=false hides the tag from both tag lists, and the repository from both catalogs
        patch("/acr/v1/" + repo + "/_tags/v1", "{\"listEnabled\":false}", 200);
        given().get("/v2/" + repo + "/tags/list").then().body("tags", not(hasItem("v1")));
        given().get("/acr/v1/" + repo + "/_tags").then().body("tags.name", not(hasItem("v1")));
        given().get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
        patch("/acr/v1/" + repo, "{\"listEnabled\":false}", 200);
        given().get("/v2/_catalog?n=100000").then().body("repositories", not(hasItem(repo)));
        given().get("/acr/v1/_catalog?n=100000").then().body("repositories", not(hasItem(repo)));

        // a repository locked for writes takes no push, and its blobs stay linked
        patch("/acr/v1/" + repo, "{\"writeEnabled\":false}", 200);
        Oci.assertError(Oci.putManifest(repo, "v9", OCI_MANIFEST, other), 405, "DENIED");
        String layer = given().get("/v2/" + repo + "/manifests/v1").jsonPath().getString("layers[0].digest");
        Oci.assertError(given().delete("/v2/" + repo + "/blobs/" + layer), 405, "DENIED");
        patch("/acr/v1/" + repo, "{\"writeEnabled\":true,\"listEnabled\":true}", 200);
        Oci.putManifest(repo, "v9", OCI_MANIFEST, other).then().statusCode(201);

        // bad PATCH bodies
        patch("/acr/v1/" + repo, "{}", 405);
        patch("/acr/v1/" + repo, "{\"writeEnabled\":\"maybe\"}", 400);
        patch("/acr/v1/" + repo, "{\"lockEverything\":true}", 400);
    }

    @Test
    void deletingTheRepositoryDeletesItsManifestsAndTags() {
        String repo = Oci.repo("meta/delete");
        String a = Oci.pushImage(repo, "a", "");
        String b = Oci.pushImage(repo, "b", "");
        Response deleted = given().delete("/acr/v1/" + repo);
        deleted.then().statusCode(202).body("tagsDeleted", equalTo(List.of("a", "b")));
        assertEquals(java.util.Set.of(a, b), java.util.Set.copyOf(deleted.jsonPath().getList("manifestsDeleted")));
        given().get("/acr/v1/" + repo).then().statusCode(404).body("errors[0].code", equalTo("NAME_UNKNOWN"));
        given().get("/v2/" + repo + "/tags/list").then().statusCode(404);
        given().delete("/acr/v1/" + repo).then().statusCode(404);
        given().get("/acr/v1/_catalog?n=100000").then().body("repositories", not(hasItem(repo)));
    }

    @Test
    void deletingTheLastManifestMakesTheRepositoryDisappear() {
        String repo = Oci.repo("meta/last");
        String only = Oci.pushImage(repo, "only", "");
        given().delete("/v2/" + repo + "/manifests/" + only).then().statusCode(202);
        given().get("/acr/v1/" + repo).then().statusCode(404);
        given().get("/acr/v1/" + repo + "/_tags").then().statusCode(404)
                .body("errors[0].message", containsString(repo));
    }
}
