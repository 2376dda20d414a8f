package dev.drydock.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.UpstreamRegistry;
import dev.drydock.devstack.events.EventTap;
import dev.drydock.events.EventTypes;
import dev.drydock.events.Topics;
import dev.drydock.registry.clients.Command;
import dev.drydock.registry.clients.OciLayout;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls through the artifact cache from real upstreams: Debian's Distribution with htpasswd, another Drydock
 * registry of this service, and (where a test must hold or corrupt the upstream's bytes) a small upstream of its own.
 * The test profile checks cached tags after 8 s.
 */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ArtifactCacheTest {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static UpstreamRegistry upstream;

    @Inject
    Vertx vertx;

    @TempDir
    Path work;

    private HttpServer front;

    @BeforeAll
    static void startUpstream() {
        Command.require("docker-registry");
        upstream = UpstreamRegistry.start();
    }

    @AfterAll
    static void stopUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @AfterEach
    void stopFront() throws Exception {
        if (front != null) {
            front.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theFirstPullFillsTheCacheAndTheSecondStaysLocal() {
        String repo = "team/app" + suffix();
        byte[] layer = Oci.bytes(300_000);
        String digest = pushUpstream(upstream, repo, "v1", layer);
        String registry = registryWithRule("app", upstream.address() + "/" + repo, UpstreamRegistry.PASSWORD);
        String host = host(registry);

        Response manifest = at(host).accept(OCI_MANIFEST).get("/v2/app/manifests/v1");
        manifest.then().statusCode(200).header("Docker-Content-Digest", digest).header("X-Drydock-Cache", "miss");
        String layerDigest = manifest.jsonPath().getString("layers[0].digest");
        byte[] pulled = at(host).get("/v2/app/blobs/" + layerDigest).then().statusCode(200)
                .header("X-Drydock-Cache", "miss").extract().asByteArray();
        assertArrayEquals(layer, pulled);
        String configDigest = manifest.jsonPath().getString("config.digest");
        at(host).get("/v2/app/blobs/" + configDigest).then().statusCode(200);

        int before = upstream.requests().size();
        at(host).accept(OCI_MANIFEST).get("/v2/app/manifests/v1").then().statusCode(200)
                .header("X-Drydock-Cache", "hit").header("Docker-Content-Digest", digest);
        assertArrayEquals(layer, at(host).get("/v2/app/blobs/" + layerDigest).then().statusCode(200)
                .extract().asByteArray());
        at(host).get("/v2/app/blobs/" + configDigest).then().statusCode(200);
        at(host).accept(OCI_MANIFEST).get("/v2/app/manifests/" + digest).then().statusCode(200);
        assertEquals(before, upstream.requests().size(), "a second pull asked the upstream: "
                + upstream.requests().subList(before, upstream.requests().size()));

        // cached images are images like pushed ones: listed, with the platform read from their config
        at(host).get("/acr/v1/app/_tags").then().statusCode(200).body("tags[0].name", equalTo("v1"))
                .body("tags[0].digest", equalTo(digest));
        at(host).get("/acr/v1/app/_manifests/" + digest).then().statusCode(200)
                .body("manifest.architecture", equalTo("amd64"));
        // and locked like them: a read lock is not a miss to fill again
        at(host).contentType(ContentType.JSON).body("{\"readEnabled\":false}")
                .patch("/acr/v1/app/_manifests/" + digest).then().statusCode(200);
        Oci.assertError(at(host).accept(OCI_MANIFEST).get("/v2/app/manifests/v1"), 403, "DENIED");
        assertEquals(before, upstream.requests().size());
    }

    @Test
    void aBlobStreamsWhileItArrivesAndConcurrentPullsFetchItOnce() throws Exception {
        byte[] blob = Oci.bytes(2 * 1024 * 1024);
        String digest = Oci.digest(blob);
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicInteger fetches = new AtomicInteger();
        int port = startFront(digest, blob, release, fetches);
        String target = "stream" + suffix();
        createRule("default", "rule" + suffix(), "127.0.0.1:" + port + "/held/blob", target, null);

        HttpClient client = HttpClient.newHttpClient();
        List<InputStream> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + RestAssured.port + "/v2/" + target + "/blobs/" + digest)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals(String.valueOf(blob.length), response.headers().firstValue("Content-Length").orElseThrow());
            bodies.add(response.body());
        }
        // the upstream holds back its second half: every client has the first half already (but its last byte,
        // which the cache holds back until the digest is verified)
        int half = blob.length / 2 - 1;
        for (InputStream body : bodies) {
            assertArrayEquals(Arrays.copyOf(blob, half), readWithin(body, half));
        }
        release.complete(null);
        for (InputStream body : bodies) {
            assertArrayEquals(Arrays.copyOfRange(blob, half, blob.length), readWithin(body, blob.length - half));
            assertEquals(-1, body.read());
        }
        assertEquals(1, fetches.get(), "three clients, one fetch");
        given().get("/v2/" + target + "/blobs/" + digest).then().statusCode(200);
        assertEquals(1, fetches.get(), "stored: the next pull is local");
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsCutShortAndNotStored() throws Exception {
        byte[] blob = Oci.bytes(300_000);
        String digest = Oci.digest(Oci.bytes(300_000));
        AtomicInteger fetches = new AtomicInteger();
        int port = startFront(digest, blob, CompletableFuture.completedFuture(null), fetches);
        String target = "forged" + suffix();
        createRule("default", "rule" + suffix(), "127.0.0.1:" + port + "/forged/blob", target, null);

        HttpClient client = HttpClient.newHttpClient();
        for (int attempt = 1; attempt <= 2; attempt++) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + RestAssured.port + "/v2/" + target + "/blobs/" + digest)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            // the last byte never comes: the client sees a cut, never a whole blob of other content
            assertThrows(IOException.class, () -> readWithin(response.body(), blob.length));
            assertEquals(attempt, fetches.get(), "nothing was stored, so the next pull fetches again");
        }
    }

    @Test
    void aMovedUpstreamTagIsSeenAfterTheFreshnessIntervalAndAnnouncedAsAPush() throws Exception {
        String repo = "team/moving" + suffix();
        String first = pushUpstream(upstream, repo, "latest", Oci.bytes(1000));
        String registry = registryWithRule("moving", upstream.address() + "/" + repo, UpstreamRegistry.PASSWORD);
        String host = host(registry);
        at(host).accept(OCI_MANIFEST).get("/v2/moving/manifests/latest").then().statusCode(200)
                .header("Docker-Content-Digest", first);

        try (EventTap tap = new EventTap(Topics.REGISTRY_EVENTS)) {
            String second = pushUpstream(upstream, repo, "latest", Oci.bytes(1000));
            at(host).accept(OCI_MANIFEST).get("/v2/moving/manifests/latest").then().statusCode(200)
                    .header("Docker-Content-Digest", first).header("X-Drydock-Cache", "hit");
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    second.equals(at(host).accept(OCI_MANIFEST).get("/v2/moving/manifests/latest")
                            .header("Docker-Content-Digest")));
            // the cache pushed it: base-image triggers on moving:latest fire as for any push
            JsonNode pushed = new ObjectMapper().readTree(tap.await(e -> EventTypes.IMAGE_PUSHED.type()
                    .equals(e.type()) && e.data().contains(second)).data());
            assertEquals("cache:the-rule", pushed.path("actor").asText());
            assertEquals("latest", pushed.path("tag").asText());
            assertEquals(registry, pushed.path("registry").asText());
        }
        // the old image stays, untagged, as after a push that moved the tag
        at(host).accept(OCI_MANIFEST).get("/v2/moving/manifests/" + first).then().statusCode(200);
    }

    @Test
    void withTheUpstreamDownCachedContentIsServedStaleAndTheRestIsUnavailable() throws Exception {
        try (UpstreamRegistry flaky = UpstreamRegistry.start()) {
            String digest = pushUpstream(flaky, "flaky/app", "v1", Oci.bytes(5000));
            String registry = registryWithRule("flaky", flaky.address() + "/flaky/app",
                    UpstreamRegistry.PASSWORD);
            String host = host(registry);
            Response manifest = at(host).accept(OCI_MANIFEST).get("/v2/flaky/manifests/v1");
            manifest.then().statusCode(200);
            String layer = manifest.jsonPath().getString("layers[0].digest");
            at(host).get("/v2/flaky/blobs/" + layer).then().statusCode(200);

            flaky.stop();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    "stale".equals(at(host).accept(OCI_MANIFEST).get("/v2/flaky/manifests/v1")
                            .then().statusCode(200).header("Docker-Content-Digest", digest)
                            .extract().header("X-Drydock-Cache")));
            at(host).get("/v2/flaky/blobs/" + layer).then().statusCode(200);
            Response missing = at(host).accept(OCI_MANIFEST).get("/v2/flaky/manifests/v2");
            Oci.assertError(missing, 503, "UNAVAILABLE");
            missing.then().header("Retry-After", "30").body("errors[0].message", containsString(flaky.address()));
        }
    }

    @Test
    void wrongCredentialsAreAClearErrorAndMarkTheSetUnhealthy() {
        String repo = "team/locked" + suffix();
        pushUpstream(upstream, repo, "v1", Oci.bytes(1000));
        String registry = registryWithRule("locked", upstream.address() + "/" + repo,
                "not-the-password");
        Response refused = at(host(registry)).accept(OCI_MANIFEST).get("/v2/locked/manifests/v1");
        Oci.assertError(refused, 403, "DENIED");
        refused.then().body("errors[0].message", containsString("credential set upstream-login"));
        String set = "/api/v1/registries/" + registry + "/credentialSets/upstream-login";
        given().get(set).then().statusCode(200)
                .body("authCredentials[0].credentialHealth.status", equalTo("Unhealthy"))
                .body("authCredentials[0].credentialHealth.errorCode", equalTo("Unauthorized"));

        given().contentType(ContentType.JSON).body("{\"username\":\"" + UpstreamRegistry.USER + "\",\"password\":\""
                + UpstreamRegistry.PASSWORD + "\"}").patch(set).then().statusCode(200);
        at(host(registry)).accept(OCI_MANIFEST).get("/v2/locked/manifests/v1").then().statusCode(200);
        given().get(set).then().statusCode(200)
                .body("authCredentials[0].credentialHealth.status", equalTo("Healthy"));
    }

    @Test
    void anotherDrydockRegistryServesAsUpstream() {
        String source = "src" + suffix();
        given().contentType(ContentType.JSON).body("{\"name\":\"" + source + "\"}").post("/api/v1/registries")
                .then().statusCode(201);
        String digest = Oci.pushImage(host(source), "base/image", "v1", "");
        String registry = registryWithRule("base/*", host(source) + "/base/*", null);
        Response manifest = at(host(registry)).accept(OCI_MANIFEST).get("/v2/base/image/manifests/v1");
        manifest.then().statusCode(200).header("Docker-Content-Digest", digest).header("X-Drydock-Cache", "miss");
        at(host(registry)).get("/v2/base/image/blobs/" + manifest.jsonPath().getString("layers[0].digest"))
                .then().statusCode(200);
        // a repository outside the wildcard is not filled
        Oci.assertError(at(host(registry)).accept(OCI_MANIFEST).get("/v2/other/image/manifests/v1"), 404,
                "NAME_UNKNOWN");
    }

    @Test
    void skopeoAndPodmanPullThroughTheCacheUnchanged() {
        Command.require("skopeo");
        Command.require("podman");
        OciLayout layout = new OciLayout(work.resolve("in"));
        layout.tag(layout.image(work, "amd64", List.of("one", "two")), "v1");
        String repo = "clients/image" + suffix();
        Command.run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds",
                UpstreamRegistry.USER + ":" + UpstreamRegistry.PASSWORD, "oci:" + work.resolve("in") + ":v1",
                "docker://" + upstream.address() + "/" + repo + ":v1");
        String set = "set" + suffix();
        given().contentType(ContentType.JSON).body(credentialSet(set, upstream.address(), UpstreamRegistry.PASSWORD))
                .post("/api/v1/registries/default/credentialSets").then().statusCode(201);
        String target = "mirror" + suffix();
        createRule("default", "rule" + suffix(), upstream.address() + "/" + repo, target, set);

        String image = "127.0.0.1:" + RestAssured.port + "/" + target + ":v1";
        Command.run(work, "skopeo", "copy", "--src-tls-verify=false", "docker://" + image,
                "oci:" + work.resolve("out") + ":v1");
        String upstreamDigest = Command.run(work, "skopeo", "inspect", "--tls-verify=false", "--creds",
                UpstreamRegistry.USER + ":" + UpstreamRegistry.PASSWORD, "--format", "{{.Digest}}",
                "docker://" + upstream.address() + "/" + repo + ":v1").strip();
        assertEquals(upstreamDigest, Command.run(work, "skopeo", "inspect", "--format", "{{.Digest}}",
                "oci:" + work.resolve("out") + ":v1").strip());

        Command.run(work, Command.containers(work, "podman", "pull", "--tls-verify=false", image));
        String images = Command.run(work, Command.containers(work, "podman", "images", "--digests", "--format",
                "{{.Repository}}:{{.Tag}} {{.Digest}}"));
        assertTrue(images.contains(image + " " + upstreamDigest), images);
    }

    /**
     * A new registry with one rule filling {@code target} from {@code source}, through a credential set for the
     * source's host holding {@code password} (none when it is null).
     */
    private static String registryWithRule(String target, String source, String password) {
        String registry = "cache" + suffix();
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\"}").post("/api/v1/registries")
                .then().statusCode(201);
        String set = null;
        if (password != null) {
            set = "upstream-login";
            given().contentType(ContentType.JSON)
                    .body(credentialSet(set, source.substring(0, source.indexOf('/')), password))
                    .post("/api/v1/registries/" + registry + "/credentialSets").then().statusCode(201);
        }
        createRule(registry, "the-rule", source, target, set);
        return registry;
    }

    private static String credentialSet(String name, String loginServer, String password) {
        return "{\"name\":\"" + name + "\",\"loginServer\":\"" + loginServer + "\",\"username\":\""
                + UpstreamRegistry.USER + "\",\"password\":\"" + password + "\"}";
    }

    private static void createRule(String registry, String name, String source, String target, String set) {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"sourceRepository\":\"" + source
                        + "\",\"targetRepository\":\"" + target + "\""
                        + (set == null ? "" : ",\"credentialSet\":\"" + set + "\"") + "}")
                .post("/api/v1/registries/" + registry + "/cacheRules").then().statusCode(201);
    }

    /** Pushes a config and {@code layer} into the upstream, then a manifest tagged {@code tag}; its digest. */
    private static String pushUpstream(UpstreamRegistry registry, String repo, String tag, byte[] layer) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String manifest = Oci.imageManifest(pushUpstreamBlob(registry, repo, config), config.length,
                pushUpstreamBlob(registry, repo, layer), layer.length, "");
        return upstreamRequest(registry).contentType(OCI_MANIFEST).body(manifest.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + repo + "/manifests/" + tag).then().statusCode(201)
                .extract().header("Docker-Content-Digest");
    }

    private static String pushUpstreamBlob(UpstreamRegistry registry, String repo, byte[] content) {
        String location = upstreamRequest(registry).post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        String digest = Oci.digest(content);
        // the Location carries Distribution's encoded upload state, which must reach it as it is
        upstreamRequest(registry).urlEncodingEnabled(false).contentType("application/octet-stream").body(content)
                .put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest).then().statusCode(201);
        return digest;
    }

    private static RequestSpecification upstreamRequest(UpstreamRegistry registry) {
        return given().baseUri("http://127.0.0.1").port(registry.port()).auth().preemptive()
                .basic(UpstreamRegistry.USER, UpstreamRegistry.PASSWORD);
    }

    /**
     * An upstream of this test's own for one blob: its second half waits for {@code release}, and it counts the
     * blob's fetches. It answers any blob path with {@code content} under {@code digest}, right or not.
     */
    private int startFront(String digest, byte[] content, CompletableFuture<Void> release, AtomicInteger fetches)
            throws Exception {
        int half = content.length / 2;
        front = vertx.createHttpServer().requestHandler(req -> {
            if (!req.path().endsWith("/blobs/" + digest)) {
                req.response().setStatusCode(req.path().equals("/v2/") ? 200 : 404).end("{}");
                return;
            }
            fetches.incrementAndGet();
            var response = req.response().putHeader("Content-Length", String.valueOf(content.length))
                    .putHeader("Docker-Content-Digest", digest);
            response.write(Buffer.buffer(Arrays.copyOf(content, half)));
            release.thenRun(() -> vertx.runOnContext(v -> response.end(Buffer.buffer(
                    Arrays.copyOfRange(content, half, content.length)))));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return front.actualPort();
    }

    /** Reads exactly {@code n} bytes, failing rather than hanging when they do not come. */
    private static byte[] readWithin(InputStream in, int n) throws Exception {
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                byte[] bytes = in.readNBytes(n);
                if (bytes.length < n) {
                    throw new IOException("the body ended after " + bytes.length + " of " + n + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return read.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause().getCause() instanceof IOException io ? io : e;
        }
    }

    private static String host(String registry) {
        return registry + ".drydock.localhost";
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
