package dev.drydock.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.devstack.DevStackControl;
import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.events.EventTap;
import dev.drydock.events.EventTypes;
import dev.drydock.events.Topics;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Registry events end to end: a push or delete through /v2, the outbox, the broker, a real consumer. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ImageEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    private static JsonNode data(EventTap.Event event) throws Exception {
        return JSON.readTree(event.data());
    }

    private static String baseAnnotations(String name, String digest) {
        return ",\"annotations\":{\"org.opencontainers.image.base.name\":\"" + name
                + "\",\"org.opencontainers.image.base.digest\":\"" + digest + "\"}";
    }

    @Test
    void pushAndDeleteAreAnnouncedWithTheirPayloads() throws Exception {
        String repo = Oci.repo("events/app");
        try (EventTap tap = new EventTap(Topics.REGISTRY_EVENTS)) {
            Instant before = Instant.now();
            String digest = Oci.pushImage(repo, "v1", "");
            EventTap.Event pushed = tap.await(e -> EventTypes.IMAGE_PUSHED.type().equals(e.type())
                    && e.data().contains(digest));
            assertEquals("default/" + repo, pushed.key());
            assertEquals(repo + ":v1", pushed.subject());
            JsonNode p = data(pushed);
            assertEquals("default", p.path("registry").asText());
            assertEquals(repo, p.path("repository").asText());
            assertEquals("v1", p.path("tag").asText());
            assertEquals(Oci.OCI_MANIFEST, p.path("mediaType").asText());
            assertEquals("linux", p.path("platforms").get(0).path("os").asText());
            assertEquals("amd64", p.path("platforms").get(0).path("architecture").asText());
            assertEquals("anonymous", p.path("actor").asText());
            assertTrue(p.path("size").asLong() > 100);
            assertTrue(!Instant.parse(p.path("pushedAt").asText()).isBefore(before.minusSeconds(1)));

            given().delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(202);
            JsonNode d = data(tap.await(e -> EventTypes.IMAGE_DELETED.type().equals(e.type())
                    && e.data().contains(digest)));
            assertEquals(repo, d.path("repository").asText());
            assertEquals(List.of("v1"), List.of(d.path("tags").get(0).asText()));
        }
    }

    @Test
    void anUntagAndALockChangeAreAnnouncedForOtherSites() throws Exception {
        String repo = Oci.repo("events/locks");
        try (EventTap tap = new EventTap(Topics.REGISTRY_EVENTS)) {
            String digest = Oci.pushImage(repo, "v1", "");
            Oci.putManifest(repo, "v2", Oci.OCI_MANIFEST, Oci.at(null).header("Accept", Oci.OCI_MANIFEST)
                    .get("/v2/" + repo + "/manifests/v1").asString()).then().statusCode(201);
            given().contentType("application/json").body("{\"writeEnabled\":false}")
                    .patch("/acr/v1/" + repo + "/_tags/v2").then().statusCode(200);
            JsonNode locked = data(tap.await(e -> EventTypes.ATTRIBUTES_CHANGED.type().equals(e.type())
                    && e.data().contains(repo)));
            assertEquals("v2", locked.path("tag").asText());
            assertFalse(locked.path("writeEnabled").asBoolean());
            assertTrue(locked.path("readEnabled").asBoolean());

            given().delete("/v2/" + repo + "/manifests/v1").then().statusCode(202);
            JsonNode untagged = data(tap.await(e -> EventTypes.TAG_DELETED.type().equals(e.type())
                    && e.data().contains(repo)));
            assertEquals("v1", untagged.path("tag").asText());
            assertEquals(digest, untagged.path("digest").asText());
            assertTrue(untagged.has("deletedAt"));
        }
    }

    @Test
    void movingATagThatImagesNameAsTheirBaseAnnouncesTheirLineage() throws Exception {
        String base = Oci.repo("events/base");
        String app = Oci.repo("events/app");
        try (EventTap tap = new EventTap(Topics.REGISTRY_EVENTS)) {
            String oldBase = Oci.pushImage(base, "1", "");
            // the app names its base through the standard annotations, by a host that means this registry
            String appDigest = Oci.pushImage(app, "v1", baseAnnotations("localhost:8080/" + base + ":1", oldBase));
            JsonNode appPushed = data(tap.await(e -> e.data().contains(appDigest)));
            assertEquals("localhost:8080/" + base + ":1", appPushed.path("base").path("name").asText());
            assertEquals(oldBase, appPushed.path("base").path("digest").asText());

            String newBase = Oci.pushImage(base, "1", "");
            EventTap.Event updated = tap.await(e -> EventTypes.BASE_IMAGE_UPDATED.type().equals(e.type())
                    && e.data().contains(newBase));
            assertEquals("default/" + base, updated.key());
            JsonNode u = data(updated);
            assertEquals(base, u.path("base").path("repository").asText());
            assertEquals("1", u.path("base").path("tag").asText());
            assertEquals(oldBase, u.path("previousDigest").asText());
            assertEquals(newBase, u.path("newDigest").asText());
            assertEquals(1, u.path("dependents").size());
            assertEquals(app, u.path("dependents").get(0).path("repository").asText());
            assertEquals("v1", u.path("dependents").get(0).path("tag").asText());
            assertEquals(appDigest, u.path("dependents").get(0).path("digest").asText());

            // the same digest pushed again moves nothing: no second base-image.updated
            Oci.putManifest(base, "1", Oci.OCI_MANIFEST, given().get("/v2/" + base + "/manifests/1").asString())
                    .then().statusCode(201);
            String marker = Oci.pushImage(Oci.repo("events/marker"), "m", "");
            tap.await(e -> e.data().contains(marker));
            assertEquals(1, tap.all(e -> EventTypes.BASE_IMAGE_UPDATED.type().equals(e.type())
                    && e.data().contains("\"" + base + "\"")).size());
        }
    }

    @Test
    void aPushWhileTheBrokerIsDownIsDeliveredOnceItReturns() {
        assumeTrue(DevStackControl.available(), "needs a broker this test JVM owns");
        String repo = Oci.repo("events/outage");
        String digest;
        DevStackControl.stopKafka();
        try {
            digest = Oci.pushImage(repo, "v1", "");
        } finally {
            DevStackControl.startKafka();
        }
        try (EventTap tap = new EventTap(Topics.REGISTRY_EVENTS)) {
            // the tap joined after the push; read from the start of what the broker holds for this repo's key
            tap.rewind();
            tap.await(e -> e.data().contains(digest));
            String marker = Oci.pushImage(Oci.repo("events/marker"), "m", "");
            tap.await(e -> e.data().contains(marker));
            assertEquals(1, tap.all(e -> EventTypes.IMAGE_PUSHED.type().equals(e.type())
                    && e.data().contains(digest)).size(), "delivered exactly once");
        }
    }
}
