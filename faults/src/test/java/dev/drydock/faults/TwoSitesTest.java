package dev.drydock.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Geo-replication between two complete sites on this machine: two local stacks started by {@code drydock-stack up}
 * (each its own PostgreSQL, Kafka, MirrorMaker 2 and storage; the registry service only), a Premium registry made
 * at west and replicated to east. Every scenario of issue 21's acceptance, measured on "two-sites:" lines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoSitesTest {

    private static final String REGISTRY = "georeplicated";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static StackUnderTest west;
    private static StackUnderTest east;
    private static HttpServer hooks;
    private static final List<String> DELIVERIES = new CopyOnWriteArrayList<>();
    private static Pusher.Pushed before;

    @BeforeAll
    static void up() throws Exception {
        west = new StackUnderTest();
        east = new StackUnderTest();
        String secret = HexFormat.of().formatHex(randomBytes(24));
        site(west, "west", east, "east", secret);
        site(east, "east", west, "west", secret);
        long start = System.nanoTime();
        // one after the other: an up that finds sources newer than the jars builds them, and two builds collide
        for (StackUnderTest site : List.of(west, east)) {
            StackUnderTest.Command up = site.run("up");
            assertEquals(0, up.status(), up.output());
        }
        report("two sites up in %.1f s", (System.nanoTime() - start) / 1e9);

        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/", exchange -> {
            DELIVERIES.add(exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hooks.start();

        expect(201, management(west, "POST", "/api/v1/registries",
                "{\"name\":\"" + REGISTRY + "\",\"sku\":{\"name\":\"Premium\"}}"));
        west.host = REGISTRY + ".drydock.localhost:" + west.registryPort;
        east.host = REGISTRY + ".drydock.localhost:" + east.registryPort;
        // held before the replication exists: the new replica copies it (a full sync with its home)
        before = new Pusher(west).push("apps/before");
        HttpResponse<String> replication = management(west, "POST", "/api/v1/registries/" + REGISTRY
                + "/replications", "{\"location\":\"east\"}");
        expect(201, replication);
        assertEquals("Succeeded", JSON.readTree(replication.body()).at("/properties/provisioningState").asText(),
                replication.body());
        // webhooks are per replica, as on ACR
        for (StackUnderTest site : List.of(west, east)) {
            String name = site == west ? "west" : "east";
            await().atMost(Duration.ofSeconds(30)).until(() -> management(site, "GET", "/api/v1/registries/"
                    + REGISTRY, null).statusCode() == 200);
            expect(201, management(site, "POST", "/api/v1/registries/" + REGISTRY + "/webhooks",
                    "{\"name\":\"hook" + name + "\",\"serviceUri\":\"http://127.0.0.1:" + hooks.getAddress().getPort()
                            + "/" + name + "\",\"actions\":[\"push\",\"delete\"]}"));
        }
    }

    @AfterAll
    static void down() {
        if (hooks != null) {
            hooks.stop(0);
        }
        for (StackUnderTest site : new StackUnderTest[] {west, east}) {
            if (site != null) {
                site.close();
            }
        }
    }

    private static void site(StackUnderTest site, String name, StackUnderTest peer, String peerName, String secret) {
        site.environment.put("DRYDOCK_STACK_SERVICES", "registry");
        site.environment.put("DRYDOCK_SITE_NAME", name);
        site.environment.put("DRYDOCK_SITE_PEERS", peerName + "=http://127.0.0.1:" + peer.registryPort);
        site.environment.put("DRYDOCK_SITE_PEER_KAFKA", peerName + "=127.0.0.1:" + peer.kafkaPort);
        site.environment.put("DRYDOCK_REPLICATION_SECRET", secret);
    }

    @Test
    @Order(1)
    void anImagePushedWithPodmanToWestIsPulledWithItsDigestFromEastAndWebhooksFireOnBoth() throws Exception {
        Path work = Files.createTempDirectory("two-sites-");
        try {
            Path layer = work.resolve("layer.tar");
            Path content = work.resolve("rootfs");
            Files.createDirectories(content);
            Files.write(content.resolve("random.bin"), randomBytes(1 << 20));
            run(work, "tar", "-C", content.toString(), "-cf", layer.toString(), ".");
            run(work, "podman", "import", layer.toString(), "localhost/two-sites:v1");
            long pushed = System.nanoTime();
            // geo.drydock.localhost resolves to loopback inside podman's own mount namespace only
            Path hosts = work.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 localhost " + REGISTRY + ".drydock.localhost\n");
            run(work, "unshare", "-m", "sh", "-c", "mount --bind " + hosts + " /etc/hosts && exec podman push "
                    + "--tls-verify=false --creds drydock-admin:" + west.adminPassword()
                    + " localhost/two-sites:v1 docker://" + west.host + "/apps/web:v1");
            String digest = digestOf(west, "apps/web", "v1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> digest.equals(digestOfOrNull(east, "apps/web", "v1")));
            report("podman push to west, same digest at east %.2f s after the push ended",
                    (System.nanoTime() - pushed) / 1e9);
            // the blobs are there too, byte for byte
            JsonNode manifest = JSON.readTree(east.send(HttpRequest.newBuilder(east.url(east.registryPort,
                    "/v2/apps/web/manifests/" + digest)).header("Accept",
                    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"))
                    .body());
            for (JsonNode layerNode : manifest.get("layers")) {
                HttpResponse<byte[]> blob = east.sendBytes(HttpRequest.newBuilder(east.url(east.registryPort,
                        "/v2/apps/web/blobs/" + layerNode.get("digest").asText())));
                assertEquals(200, blob.statusCode());
                assertEquals(layerNode.get("digest").asText(), Pusher.digest(blob.body()));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered("/west", "push", digest)
                    && delivered("/east", "push", digest));
            assertTrue(DELIVERIES.stream().anyMatch(d -> d.startsWith("/east") && d.contains(digest)
                    && d.contains("replication:west")), String.join("\n", DELIVERIES));
        } finally {
            run(work, "podman", "rmi", "-f", "localhost/two-sites:v1");
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(2)
    void whatTheHomeHeldBeforeTheReplicationIsCopiedAndUntagsAndLocksFollow() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> before.digest().equals(
                digestOfOrNull(east, "apps/before", "v1")));
        // a lock set at west holds at east
        expect(200, west.send(HttpRequest.newBuilder(west.url(west.registryPort, "/acr/v1/apps/before/_tags/v1"))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"writeEnabled\":false}"))));
        await().atMost(Duration.ofSeconds(60)).until(() -> !JSON.readTree(east.send(HttpRequest.newBuilder(
                        east.url(east.registryPort, "/acr/v1/apps/before/_tags/v1"))).body())
                .at("/tag/changeableAttributes/writeEnabled").asBoolean(true));
        // a tag deleted at west goes at east; its manifest stays at both
        Pusher.Pushed tagged = new Pusher(west).push("apps/untagged");
        await().atMost(Duration.ofSeconds(60)).until(() -> tagged.digest().equals(
                digestOfOrNull(east, "apps/untagged", "v1")));
        expect(202, west.send(HttpRequest.newBuilder(west.url(west.registryPort,
                "/v2/apps/untagged/manifests/v1")).DELETE()));
        await().atMost(Duration.ofSeconds(60)).until(() -> digestOfOrNull(east, "apps/untagged", "v1") == null);
        assertEquals(tagged.digest(), digestOfOrNull(east, "apps/untagged", tagged.digest()));
    }

    @Test
    @Order(3)
    void aDeleteOnEastIsGoneOnWest() throws Exception {
        Pusher.Pushed image = new Pusher(west).push("apps/deleted");
        await().atMost(Duration.ofSeconds(60)).until(() -> image.digest().equals(
                digestOfOrNull(east, "apps/deleted", "v1")));
        long deleted = System.nanoTime();
        expect(202, east.send(HttpRequest.newBuilder(east.url(east.registryPort,
                "/v2/apps/deleted/manifests/" + image.digest())).DELETE()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> digestOfOrNull(west, "apps/deleted", "v1") == null);
        report("delete at east, gone at west %.2f s later", (System.nanoTime() - deleted) / 1e9);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered("/west", "delete", image.digest()));
    }

    @Test
    @Order(4)
    void aTagMovedOnBothSitesAtOnceEndsOnOneDigestEverywhere() throws Exception {
        for (int round = 0; round < 3; round++) {
            CompletableFuture<Pusher.Pushed> a = CompletableFuture.supplyAsync(() -> push(west, "apps/race"));
            CompletableFuture<Pusher.Pushed> b = CompletableFuture.supplyAsync(() -> push(east, "apps/race"));
            String onWest = a.get().digest();
            String onEast = b.get().digest();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String w = digestOfOrNull(west, "apps/race", "v1");
                String e = digestOfOrNull(east, "apps/race", "v1");
                return w != null && w.equals(e) && (w.equals(onWest) || w.equals(onEast));
            });
            report("round %d: both sites on %s (west pushed %s, east %s)", round,
                    digestOf(west, "apps/race", "v1").substring(7, 19), onWest.substring(7, 19),
                    onEast.substring(7, 19));
        }
    }

    @Test
    @Order(5)
    void eastAwayDuring50PushesToWestHasEveryImageAfterItReturns() throws Exception {
        StackUnderTest.Command stopped = east.run("down");
        assertEquals(0, stopped.status(), stopped.output());
        List<Pusher.Pushed> pushed = new ArrayList<>();
        Pusher pusher = new Pusher(west);
        for (int i = 0; i < 50; i++) {
            pushed.add(pusher.push("outage/image-" + i));
        }
        long back = System.nanoTime();
        StackUnderTest.Command started = east.run("up");
        assertEquals(0, started.status(), started.output());
        report("east back in %.1f s", (System.nanoTime() - back) / 1e9);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (Pusher.Pushed p : pushed) {
                if (!p.digest().equals(digestOfOrNull(east, p.repository(), "v1"))) {
                    return false;
                }
            }
            return true;
        });
        report("east caught up on 50 images %.1f s after it was started again", (System.nanoTime() - back) / 1e9);
        // nothing duplicated: each repository holds the one manifest pushed to it
        for (Pusher.Pushed p : pushed) {
            HttpResponse<String> manifests = east.send(HttpRequest.newBuilder(east.url(east.registryPort,
                    "/acr/v1/" + p.repository() + "/_manifests")));
            assertEquals(200, manifests.statusCode(), manifests.body());
            assertEquals(1, JSON.readTree(manifests.body()).get("manifests").size(), manifests.body());
        }
        HttpResponse<String> status = management(west, "GET", "/api/v1/registries/" + REGISTRY
                + "/replications/east/status", null);
        assertEquals(200, status.statusCode(), status.body());
        JsonNode outage = null;
        for (JsonNode repository : JSON.readTree(status.body()).get("repositories")) {
            if (repository.get("repository").asText().equals("outage/image-49")) {
                outage = repository;
            }
        }
        assertTrue(outage != null && outage.get("pending").asLong() == 0 && outage.get("applied").asLong() == 1,
                status.body());
        // the lag is a metric too
        String metrics = Files.readString(east.drydockHome().resolve("service-secrets.env")).lines()
                .filter(l -> l.startsWith("DRYDOCK_METRICS_PASSWORD=")).findFirst().orElseThrow().substring(25);
        HttpResponse<String> scraped = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        east.url(east.registryPort, "/q/metrics")).header("Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString(("metrics:" + metrics)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scraped.statusCode());
        String count = scraped.body().lines().filter(l -> l.startsWith("drydock_replication_lag_seconds_count"))
                .findFirst().orElseThrow(() -> new AssertionError("no drydock_replication_lag_seconds"));
        assertTrue(Double.parseDouble(count.substring(count.lastIndexOf(' ') + 1)) >= 50, count);
        report("east's status from west: %s", status.body().length() > 300 ? status.body().substring(0, 300)
                : status.body());
    }

    private static Pusher.Pushed push(StackUnderTest site, String repository) {
        try {
            return new Pusher(site).push(repository);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean delivered(String path, String action, String digest) {
        return DELIVERIES.stream().anyMatch(d -> d.startsWith(path + " ") && d.contains("\"action\":\"" + action + "\"")
                && d.contains(digest));
    }

    private static String digestOf(StackUnderTest site, String repository, String tag) throws Exception {
        String digest = digestOfOrNull(site, repository, tag);
        assertTrue(digest != null, repository + ":" + tag + " is not at port " + site.registryPort);
        return digest;
    }

    private static String digestOfOrNull(StackUnderTest site, String repository, String tag) throws Exception {
        HttpResponse<String> head = site.send(HttpRequest.newBuilder(site.url(site.registryPort,
                        "/v2/" + repository + "/manifests/" + tag))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        return head.statusCode() == 200 ? head.headers().firstValue("Docker-Content-Digest").orElse(null) : null;
    }

    private static HttpResponse<String> management(StackUnderTest site, String method, String path, String body)
            throws IOException, InterruptedException {
        return site.send(HttpRequest.newBuilder(site.url(site.registryPort, path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command).replaceAll("drydock-admin:\\S+", "drydock-admin:***")
                    + " failed: " + output);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static void report(String format, Object... args) {
        System.out.println("two-sites: " + String.format(format, args));
    }
}
