package dev.drydock.registry.api.distribution;

import dev.drydock.registry.testing.Oci;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.drydock.registry.testing.Oci.assertError;
import static dev.drydock.registry.testing.Oci.bytes;
import static dev.drydock.registry.testing.Oci.repo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class BlobsApiTest {

    @Test
    void headAndGetAgreeAndCarryTheDigest() {
        String repo = repo("blobs/get");
        byte[] content = bytes(12_345);
        String digest = Oci.pushBlob(repo, content);
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", "12345").header("Docker-Content-Digest", digest)
                .header("Accept-Ranges", "bytes");
        byte[] body = given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest).extract().asByteArray();
        assertArrayEquals(content, body);
    }

    @Test
    void rangeRequestsAnswer206And416() {
        String repo = repo("blobs/range");
        byte[] content = bytes(100);
        String digest = Oci.pushBlob(repo, content);
        byte[] part = given().header("Range", "bytes=10-19").get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(206).header("Content-Range", "bytes 10-19/100").extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 10, 20), part);
        byte[] tail = given().header("Range", "bytes=-5").get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(206).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(content, 95, 100), tail);
        given().header("Range", "bytes=500-").get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(416).header("Content-Range", "bytes */100");
        given().header("Range", "bytes=50-10").get("/v2/" + repo + "/blobs/" + digest).then().statusCode(416);
    }

    @Test
    void blobsAreVisibleOnlyWhereTheyWerePushed() {
        String digest = Oci.pushBlob(repo("blobs/owner"), bytes(64));
        String other = repo("blobs/other");
        assertError(given().get("/v2/" + other + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        given().head("/v2/" + other + "/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void deleteRemovesTheRepositoriesLink() {
        String repo = repo("blobs/delete");
        String digest = Oci.pushBlob(repo, bytes(64));
        given().delete("/v2/" + repo + "/blobs/" + digest).then().statusCode(202);
        assertError(given().get("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertError(given().delete("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void badDigestsAndNamesAreRefused() {
        assertError(given().get("/v2/blobs/x/blobs/sha256:abc"), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/blobs/x/blobs/md5:d41d8cd98f00b204e9800998ecf8427e"), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/Upper/Case/blobs/sha256:" + "a".repeat(64)), 400, "NAME_INVALID");
        // dot segments are resolved before routing: the request never reaches a repository, let alone a file
        given().get("/v2/a/../../etc/blobs/sha256:" + "a".repeat(64)).then().statusCode(404);
        assertError(given().get("/v2/a%2F..%2Fb/blobs/sha256:" + "a".repeat(64)), 400, "NAME_INVALID");
    }
}
