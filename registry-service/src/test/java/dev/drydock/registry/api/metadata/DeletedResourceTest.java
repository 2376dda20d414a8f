package dev.drydock.registry.api.metadata;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Soft delete: what a delete keeps, what it hides, what a restore brings back, ACR's rules, and expiry. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class DeletedResourceTest {

    @Inject
    Pool pool;

    private String registry;
    private String host;

    @BeforeEach
    void softDeletingRegistry() {
        registry = "soft" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        host = registry + ".drydock.localhost";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\",\"sku\":{\"name\":\"Standard\"},"
                        + "\"policies\":{\"softDeletePolicy\":{\"status\":\"enabled\",\"retentionDays\":7}}}")
                .post("/api/v1/registries").then().statusCode(201)
                .body("policies.softDeletePolicy.status", equalTo("enabled"))
                .body("policies.softDeletePolicy.retentionDays", equalTo(7));
    }

    @AfterEach
    void dropRegistry() {
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    @Test
    void aDeletedManifestIsHiddenEverywhereAndComesBackIdenticalWithItsTags() {
        String digest = Oci.pushImage(host, "app", "v1", "");
        byte[] bytes = at(host).get("/v2/app/manifests/" + digest).then().statusCode(200).extract().asByteArray();
        Oci.putManifest(host, "app", "v2", Oci.OCI_MANIFEST, new String(bytes, StandardCharsets.UTF_8))
                .then().statusCode(201);
        at(host).delete("/v2/app/manifests/" + digest).then().statusCode(202);

        for (String reference : List.of(digest, "v1", "v2")) {
            at(host).get("/v2/app/manifests/" + reference).then().statusCode(404);
            at(host).head("/v2/app/manifests/" + reference).then().statusCode(404);
        }
        at(host).get("/acr/v1/app/_manifests").then().body("manifests.digest", not(hasItem(digest)));
        at(host).get("/acr/v1/_catalog").then().body("repositories", not(hasItem("app")));
        at(host).get("/acr/v1/app/_deleted/_manifests").then().statusCode(200)
                .body("manifests[0].digest", equalTo(digest));
        at(host).get("/acr/v1/app/_deleted/_tags").then().statusCode(200)
                .body("tags.name", equalTo(List.of("v1", "v2"))).body("tags.digest", equalTo(List.of(digest, digest)));
        // the bytes it needs survive a collection with no grace: it can still come back whole
        given().post("/api/v1/gc?grace=PT0S").then().statusCode(200);

        at(host).contentType(ContentType.JSON).body("{\"tag\":\"v1\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200).body("restored[0].digest", equalTo(digest));
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"v2\",\"digest\":\"" + digest + "\"}")
                .post("/acr/v1/app/_deleted/_restore").then().statusCode(200);
        assertArrayEquals(bytes, at(host).get("/v2/app/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", digest).extract().asByteArray());
        at(host).get("/v2/app/tags/list").then().body("tags", equalTo(List.of("v1", "v2")));
        JsonPath manifest = new JsonPath(new String(bytes, StandardCharsets.UTF_8));
        for (String blob : List.of(manifest.getString("config.digest"), manifest.getString("layers[0].digest"))) {
            at(host).get("/v2/app/blobs/" + blob).then().statusCode(200);
        }
        at(host).get("/acr/v1/app/_deleted/_manifests").then().body("manifests", equalTo(List.of()));
        at(host).get("/acr/v1/app/_deleted/_tags").then().body("tags", equalTo(List.of()));
    }

    @Test
    void aSoftDeletedDigestIsRestoredNotPushedAndAnUntaggedTagComesBackAlone() {
        String digest = Oci.pushImage(host, "app", "v1", "");
        String body = at(host).get("/v2/app/manifests/" + digest).asString();
        at(host).delete("/v2/app/manifests/" + digest).then().statusCode(202);
        Oci.putManifest(host, "app", "again", Oci.OCI_MANIFEST, body).then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED")).body("errors[0].message", containsString("soft-deleted"));
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"v1\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200);
        Oci.putManifest(host, "app", "again", Oci.OCI_MANIFEST, body).then().statusCode(201);

        // untagging keeps the tag aside; the manifest stays live
        at(host).delete("/acr/v1/app/_tags/again").then().statusCode(202);
        at(host).get("/acr/v1/app/_deleted/_tags?tag=again").then().body("tags.digest", equalTo(List.of(digest)));
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"again\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200);
        at(host).get("/v2/app/manifests/again").then().statusCode(200).header("Docker-Content-Digest", digest);
    }

    @Test
    void anExistingTagMovesOnlyWithForceAndIsKeptAsideInTurn() {
        String old = Oci.pushImage(host, "app", "v1", "");
        at(host).delete("/v2/app/manifests/" + old).then().statusCode(202);
        String current = Oci.pushImage(host, "app", "v1", "");
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"v1\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(403).body("errors[0].message", containsString("force"));
        at(host).get("/v2/app/manifests/v1").then().header("Docker-Content-Digest", current);
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"v1\",\"force\":true}")
                .post("/acr/v1/app/_deleted/_restore").then().statusCode(200);
        at(host).get("/v2/app/manifests/v1").then().header("Docker-Content-Digest", old);
        at(host).get("/acr/v1/app/_deleted/_tags?tag=v1").then().body("tags.digest", equalTo(List.of(current)));
    }

    @Test
    void aReferrerNeedsItsSubjectAndAnIndexItsChildrenRestoredFirst() {
        String subject = Oci.pushImage(host, "app", "s", "");
        int size = at(host).get("/v2/app/manifests/" + subject).asByteArray().length;
        String signature = Oci.pushImage(host, "app", "sig", ",\"subject\":{\"mediaType\":\"" + Oci.OCI_MANIFEST
                + "\",\"digest\":\"" + subject + "\",\"size\":" + size + "}");
        String index = Oci.putManifest(host, "app", "multi", Oci.OCI_INDEX, """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
                .formatted(Oci.OCI_INDEX, Oci.OCI_MANIFEST, subject, size)).then().statusCode(201).extract()
                .header("Docker-Content-Digest");
        at(host).delete("/v2/app/manifests/" + index).then().statusCode(202);
        // deleting the subject takes its referrer with it
        at(host).delete("/v2/app/manifests/" + subject).then().statusCode(202);
        at(host).get("/v2/app/manifests/" + signature).then().statusCode(404);

        at(host).contentType(ContentType.JSON).body("{\"tag\":\"sig\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(403).body("errors[0].message", containsString(subject));
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"multi\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(403).body("errors[0].message", containsString(subject));
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"s\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200);
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"sig\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200);
        at(host).contentType(ContentType.JSON).body("{\"tag\":\"multi\"}").post("/acr/v1/app/_deleted/_restore")
                .then().statusCode(200);
        at(host).get("/v2/app/referrers/" + subject).then().body("manifests.digest", equalTo(List.of(signature)));
    }

    @Test
    void aDeletedRepositoryComesBackAsAWhole() {
        String a = Oci.pushImage(host, "team/app", "a", "");
        String b = Oci.pushImage(host, "team/app", "b", "");
        at(host).delete("/acr/v1/team/app").then().statusCode(202);
        at(host).get("/v2/team/app/tags/list").then().statusCode(404);
        at(host).get("/acr/v1/_deleted/_catalog").then().body("repositories", equalTo(List.of("team/app")));

        at(host).contentType(ContentType.JSON).body("{}").post("/acr/v1/team/app/_deleted/_restore")
                .then().statusCode(200);
        at(host).get("/v2/team/app/manifests/a").then().header("Docker-Content-Digest", a);
        at(host).get("/v2/team/app/manifests/b").then().header("Docker-Content-Digest", b);
        at(host).get("/acr/v1/_deleted/_catalog").then().body("repositories", equalTo(List.of()));
    }

    @Test
    void aPushIntoADeletedRepositoryBringsItBackAndKeepsWhatWasDeleted() {
        String old = Oci.pushImage(host, "app", "old", "");
        at(host).delete("/acr/v1/app").then().statusCode(202);
        String fresh = Oci.pushImage(host, "app", "new", "");
        at(host).delete("/v2/app/manifests/" + fresh).then().statusCode(202);
        // emptied by single deletes, not deleted as a whole: not listed as a deleted repository
        at(host).get("/acr/v1/_deleted/_catalog").then().body("repositories", equalTo(List.of()));
        at(host).get("/acr/v1/app/_deleted/_manifests").then().body("manifests.digest", hasItem(old));
    }

    @Test
    void keptContentExpiresAfterTheRegistrysDaysAndItsBlobsGoWithIt() {
        String digest = Oci.pushImage(host, "app", "v1", "");
        String layer = new JsonPath(at(host).get("/v2/app/manifests/" + digest).asString()).getString("layers[0].digest");
        at(host).delete("/v2/app/manifests/" + digest).then().statusCode(202);
        // eight days pass for what this registry deleted
        pool.query("""
                update deleted_manifest set deleted_at = deleted_at - interval '8 days' where repository_id in
                  (select r.id from repository r join registry g on g.id = r.registry_id where g.name = '%1$s');
                """.formatted(registry)).execute().await().indefinitely();
        pool.query("""
                update deleted_tag set deleted_at = deleted_at - interval '8 days' where repository_id in
                  (select r.id from repository r join registry g on g.id = r.registry_id where g.name = '%1$s')"""
                .formatted(registry)).execute().await().indefinitely();
        given().post("/api/v1/gc?grace=PT0S").then().statusCode(200)
                .body("softDeletedExpired", equalTo(2));
        // nothing left: the manifest, its tag's record, its blobs and at last the empty repository are gone
        at(host).get("/acr/v1/app/_deleted/_manifests").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
        at(host).head("/v2/app/blobs/" + layer).then().statusCode(404);
    }

    @Test
    void softDeleteAndRetentionExcludeEachOtherAndBasicHasNeither() {
        given().contentType(ContentType.JSON).body("{\"sku\":{\"name\":\"Premium\"},"
                        + "\"policies\":{\"retentionPolicy\":{\"status\":\"enabled\",\"days\":3}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(400)
                .body("error.message", containsString("cannot both be enabled"));
        given().contentType(ContentType.JSON).body("{\"sku\":{\"name\":\"Basic\"}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(409)
                .body("error.message", containsString("Standard or Premium"));
        given().contentType(ContentType.JSON).body("{\"policies\":{\"softDeletePolicy\":{\"retentionDays\":91}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(400);
        assertEquals("enabled", given().get("/api/v1/registries/" + registry).jsonPath()
                .getString("policies.softDeletePolicy.status"));
    }
}
