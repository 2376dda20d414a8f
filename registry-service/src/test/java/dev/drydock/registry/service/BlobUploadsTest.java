package dev.drydock.registry.service;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.storage.BlobStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class BlobUploadsTest {

    @Inject
    BlobUploads uploads;

    @Inject
    BlobStore store;

    @Inject
    Pool pool;

    @Test
    void abandonedUploadsArePurgedAndFreshOnesKept() {
        String abandoned = startWithBytes("janitor/abandoned");
        String fresh = startWithBytes("janitor/fresh");
        UUID abandonedId = UUID.fromString(abandoned.substring(abandoned.lastIndexOf('/') + 1));
        assertTrue(Files.exists(store.uploadFile(abandonedId)));
        pool.preparedQuery("update upload set updated_at = now() - interval '8 days' where id = $1")
                .execute(Tuple.of(abandonedId)).await().atMost(Duration.ofSeconds(10));

        int purged = uploads.purgeAbandoned(Duration.ofDays(7)).await().atMost(Duration.ofSeconds(30));

        assertTrue(purged >= 1);
        given().get(abandoned).then().statusCode(404);
        assertFalse(Files.exists(store.uploadFile(abandonedId)), "the abandoned bytes are gone");
        given().get(fresh).then().statusCode(204).header("Range", "0-2");
    }

    private static String startWithBytes(String repo) {
        String location = given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202).extract().header("Location");
        return given().contentType("application/octet-stream").body(new byte[] {1, 2, 3}).patch(location)
                .then().statusCode(202).extract().header("Location");
    }
}
