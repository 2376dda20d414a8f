package dev.drydock.registry.api.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhooks against a real HTTP receiver started by the test. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class WebhooksResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    record Received(Map<String, String> headers, String body) {
    }

    @Inject
    Vertx vertx;

    private HttpServer receiver;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    /** How many of the next requests the receiver fails with 503. */
    private final AtomicInteger failNext = new AtomicInteger();
    private String registry;
    private String host;

    @BeforeEach
    void start() throws Exception {
        receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            Map<String, String> headers = new java.util.HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            received.add(new Received(headers, body.toString()));
            req.response().setStatusCode(failNext.getAndDecrement() > 0 ? 503 : 200).end("thanks");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        registry = "hook" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        host = registry + ".drydock.localhost";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\",\"sku\":{\"name\":\"Basic\"}}")
                .post("/api/v1/registries").then().statusCode(201);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    private String uri() {
        return "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    }

    private void createWebhook(String name, String body) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/registries/" + registry + "/webhooks")
                .then().statusCode(201).body("name", equalTo(name));
    }

    private Received awaitRequest(String contains) {
        Received[] found = new Received[1];
        await().atMost(PATIENCE).until(() -> {
            found[0] = received.stream().filter(r -> r.body().contains(contains)).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    @Test
    void pushAndDeleteAreDeliveredSignedWithCustomHeadersAndLogged() throws Exception {
        createWebhook("pushes1", """
                {"name":"pushes1","serviceUri":"%s","actions":["push","delete"],"scope":"hooked/*:*",\
                "customHeaders":{"Authorization":"Basic c2VjcmV0","X-Team":"blue"},"secret":"s3cr3t"}""".formatted(uri()));
        given().get("/api/v1/registries/" + registry + "/webhooks/pushes1").then().statusCode(200)
                .body("signed", equalTo(true)).body("scope", equalTo("hooked/*:*"))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("customHeaders")))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("secret")));
        given().get("/api/v1/registries/" + registry + "/webhooks/pushes1/config").then().statusCode(200)
                .body("customHeaders.X-Team", equalTo("blue"));

        String digest = Oci.pushImage(host, "hooked/app", "v1", "");
        Received push = awaitRequest(digest);
        JsonNode payload = JSON.readTree(push.body());
        assertEquals("push", payload.path("action").asText());
        assertEquals("hooked/app", payload.path("target").path("repository").asText());
        assertEquals("v1", payload.path("target").path("tag").asText());
        assertEquals(digest, payload.path("target").path("digest").asText());
        assertEquals(Oci.OCI_MANIFEST, payload.path("target").path("mediaType").asText());
        assertEquals(payload.path("target").path("size").asLong(), payload.path("target").path("length").asLong());
        assertEquals("PUT", payload.path("request").path("method").asText());
        assertEquals(host, payload.path("request").path("host").asText());
        assertEquals("application/json", push.headers().get("content-type"));
        assertEquals("Basic c2VjcmV0", push.headers().get("authorization"));
        assertEquals("blue", push.headers().get("x-team"));
        assertEquals("sha256=" + hmac("s3cr3t", push.body()), push.headers().get("x-drydock-signature"));

        // untag fires nothing; deleting the manifest fires delete
        Oci.putManifest(host, "hooked/app", "v2", Oci.OCI_MANIFEST,
                at(host).get("/v2/hooked/app/manifests/v1").asString()).then().statusCode(201);
        at(host).delete("/acr/v1/hooked/app/_tags/v2").then().statusCode(202);
        at(host).delete("/v2/hooked/app/manifests/" + digest).then().statusCode(202);
        Received delete = awaitRequest("\"delete\"");
        JsonNode d = JSON.readTree(delete.body());
        assertEquals(digest, d.path("target").path("digest").asText());
        assertFalse(d.path("target").has("tag"));

        // a push out of scope reaches nobody
        String outside = Oci.pushImage(host, "elsewhere/app", "v1", "");
        given().post("/api/v1/registries/" + registry + "/webhooks/pushes1/ping").then().statusCode(200);
        awaitRequest("\"ping\"");
        assertTrue(received.stream().noneMatch(r -> r.body().contains(outside)));

        // the event log: newest first, request and response, Authorization masked
        given().get("/api/v1/registries/" + registry + "/webhooks/pushes1/events").then().statusCode(200)
                .body("value[0].action", equalTo("ping"))
                // the second push is the re-tag as v2: every manifest push fires, as on ACR
                .body("value.action", equalTo(List.of("ping", "delete", "push", "push")))
                .body("value[3].state", equalTo("delivered"))
                .body("value[3].eventRequestMessage.headers.Authorization", equalTo("******"))
                .body("value[3].eventRequestMessage.requestUri", equalTo(uri()))
                .body("value[3].eventResponseMessage.statusCode", equalTo("200"))
                .body("value[3].eventResponseMessage.content", equalTo("thanks"));
    }

    @Test
    void failedDeliveriesAreRetriedWithBackOff() {
        createWebhook("retries1", """
                {"name":"retries1","serviceUri":"%s","actions":["push"]}""".formatted(uri()));
        failNext.set(2);
        String digest = Oci.pushImage(host, "retry/app", "v1", "");
        await().atMost(PATIENCE).until(() -> received.stream().filter(r -> r.body().contains(digest)).count() == 3);
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/api/v1/registries/" + registry + "/webhooks/retries1/events").then()
                        .body("value[0].state", equalTo("delivered"))
                        .body("value[0].attempts", equalTo(3)));
        // every attempt carries the same delivery id, so a receiver can deduplicate
        assertEquals(1, received.stream().filter(r -> r.body().contains(digest))
                .map(r -> r.headers().get("x-drydock-delivery")).distinct().count());
    }

    @Test
    void webhooksAreValidatedAndCountedAgainstTheSku() {
        String base = "/api/v1/registries/" + registry + "/webhooks";
        given().contentType(ContentType.JSON).body("{\"name\":\"bad\",\"serviceUri\":\"" + uri() + "\",\"actions\":[\"push\"]}")
                .post(base).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"badaction\",\"serviceUri\":\"" + uri() + "\",\"actions\":[\"pull\"]}")
                .post(base).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"baduri1\",\"serviceUri\":\"ftp://x/y\",\"actions\":[\"push\"]}")
                .post(base).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"badscope\",\"serviceUri\":\"" + uri()
                + "\",\"actions\":[\"push\"],\"scope\":\"a:b:c\"}").post(base).then().statusCode(400);
        createWebhook("first1", "{\"name\":\"first1\",\"serviceUri\":\"" + uri() + "\",\"actions\":[\"push\"]}");
        createWebhook("second2", "{\"name\":\"second2\",\"serviceUri\":\"" + uri() + "\",\"actions\":[\"push\"]}");
        // Basic allows two
        given().contentType(ContentType.JSON).body("{\"name\":\"third3\",\"serviceUri\":\"" + uri() + "\",\"actions\":[\"push\"]}")
                .post(base).then().statusCode(409).body("error.code", equalTo("SkuLimitExceeded"));
        given().contentType(ContentType.JSON).body("{\"status\":\"disabled\",\"scope\":\"app\"}")
                .patch(base + "/first1").then().statusCode(200).body("status", equalTo("disabled"))
                .body("scope", equalTo("app"));
        given().get(base).then().body("value.name", equalTo(List.of("first1", "second2")));
        given().delete(base + "/second2").then().statusCode(204);
        given().get(base + "/second2").then().statusCode(404);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
