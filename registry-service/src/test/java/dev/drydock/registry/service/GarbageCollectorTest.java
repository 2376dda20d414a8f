package dev.drydock.registry.service;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.oci.Digest;
import dev.drydock.registry.storage.BlobStore;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class GarbageCollectorTest {

    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    @Inject
    BlobStore store;

    @Inject
    Pool pool;

    private static Response collect(String grace) {
        return given().post("/api/v1/gc?grace=" + grace).then().statusCode(200).extract().response();
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void unreferencedBlobsGoAfterTheGraceAndReferencedOnesStay() {
        String repo = Oci.repo("gc/basic");
        byte[] loose = Oci.bytes(3000);
        String looseDigest = Oci.pushBlob(repo, loose);
        String kept = Oci.pushImage(repo, "kept", "");
        String doomed = Oci.pushImage(repo, "doomed", "");
        given().delete("/v2/" + repo + "/manifests/" + doomed).then().statusCode(202);

        // within the grace nothing of it goes
        collect("PT1H");
        given().head("/v2/" + repo + "/blobs/" + looseDigest).then().statusCode(200);

        Response collected = collect("PT0S");
        assertTrue(collected.jsonPath().getInt("linksRemoved") >= 3, collected.asString());
        assertTrue(collected.jsonPath().getInt("blobsDeleted") >= 3, collected.asString());
        given().head("/v2/" + repo + "/blobs/" + looseDigest).then().statusCode(404);
        assertFalse(Files.exists(store.blobFile(Digest.parse(looseDigest))), "its bytes are gone");
        // the kept image is whole: manifest, config and layer all served
        Response manifest = given().get("/v2/" + repo + "/manifests/" + kept);
        manifest.then().statusCode(200);
        for (String digest : List.of(manifest.jsonPath().getString("config.digest"),
                manifest.jsonPath().getString("layers[0].digest"))) {
            given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
        }
    }

    @Test
    void absurdGracesAreRefusedNotFailed() {
        for (String grace : new String[] {"P99999999999D", "PT-1H", "soon"}) {
            given().post("/api/v1/gc?grace=" + grace).then().statusCode(400)
                    .body("error.code", org.hamcrest.Matchers.equalTo("InvalidRequest"));
        }
    }

    @Test
    void filesNoRowKnowsAreRemoved() throws Exception {
        byte[] content = ("orphan " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Path orphan = store.blobFile(Digest.sha256(content));
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, content);
        Path deadUpload = store.uploadFile(UUID.randomUUID());
        Files.write(deadUpload, content);
        FileTime old = FileTime.from(Instant.now().minusSeconds(7200));
        Files.setLastModifiedTime(orphan, old);
        Files.setLastModifiedTime(deadUpload, old);
        // an upload in progress keeps its file however old
        String location = given().post("/v2/gc/live/blobs/uploads/").then().statusCode(202).extract().header("Location");
        given().contentType("application/octet-stream").body(content).patch(location).then().statusCode(202);
        Path live = store.uploadFile(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)));
        Files.setLastModifiedTime(live, old);

        Response collected = collect("PT1H");
        assertTrue(collected.jsonPath().getInt("orphanFilesDeleted") >= 2, collected.asString());
        assertFalse(Files.exists(orphan));
        assertFalse(Files.exists(deadUpload));
        assertTrue(Files.exists(live));
        given().put(location + "?digest=" + Oci.digest(content)).then().statusCode(201);
    }

    @Test
    void retentionDeletesUntaggedDockerAndOciManifestsOfPremiumRegistries() {
        String registry = "keep" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String host = registry + ".drydock.localhost";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\",\"sku\":{\"name\":\"Premium\"}}")
                .post("/api/v1/registries").then().statusCode(201);
        String untaggedBefore = pushDocker(host, "app", "old");
        at(host).delete("/acr/v1/app/_tags/old").then().statusCode(202);
        given().contentType(ContentType.JSON)
                .body("{\"policies\":{\"retentionPolicy\":{\"status\":\"enabled\",\"days\":0}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(200);

        String moved = pushDocker(host, "app", "v1");
        String locked = pushDocker(host, "app", "pinned");
        at(host).contentType(ContentType.JSON).body("{\"deleteEnabled\":false}")
                .patch("/acr/v1/app/_manifests/" + locked).then().statusCode(200);
        String current = pushDocker(host, "app", "v1");
        pushDocker(host, "app", "pinned");
        String oci = Oci.pushImage(host, "app", "oci", "");
        String ociCurrent = Oci.pushImage(host, "app", "oci", "");
        // a signature of the current image, tagged (as cosign does) and then untagged: it goes with its subject only
        String subject = ",\"subject\":{\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"digest\":\"" + ociCurrent
                + "\",\"size\":" + manifestSize(host, "app", ociCurrent) + "}";
        String signature = Oci.pushImage(host, "app", "sig", subject);
        at(host).delete("/acr/v1/app/_tags/sig").then().statusCode(202);
        String index = pushIndex(host, "app", "multi", ociCurrent);
        pushIndex(host, "app", "multi", current);

        collect("PT1H");
        at(host).get("/v2/app/manifests/" + moved).then().statusCode(404);
        at(host).get("/v2/app/manifests/" + oci).then().statusCode(404);
        at(host).get("/v2/app/manifests/" + index).then().statusCode(404);
        at(host).get("/v2/app/manifests/" + current).then().statusCode(200);
        at(host).get("/v2/app/manifests/" + ociCurrent).then().statusCode(200);
        at(host).get("/v2/app/manifests/" + locked).then().statusCode(200);
        at(host).get("/v2/app/manifests/" + untaggedBefore).then().statusCode(200);
        at(host).get("/v2/app/manifests/" + signature).then().statusCode(200);
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    @Test
    void finishedWebhookDeliveriesLeaveTheLogAfterItsRetention() {
        long webhook = pool.query("""
                insert into webhook (registry_id, name, uri, actions)
                select id, 'gclog' || floor(random() * 1e9)::text, 'http://127.0.0.1:9/', '{push}' from registry
                where name = 'default' returning id""").execute().await().indefinitely().iterator().next().getLong(0);
        pool.query(("""
                insert into webhook_delivery (id, webhook_id, action, payload, state, created_at, next_attempt_at) values
                (gen_random_uuid(), %1$d, 'push', '{}', 'delivered', now() - interval '40 days', now() + interval '1 day'),
                (gen_random_uuid(), %1$d, 'push', '{}', 'failed', now() - interval '40 days', now() + interval '1 day'),
                (gen_random_uuid(), %1$d, 'push', '{}', 'delivered', now() - interval '1 day', now() + interval '1 day'),
                (gen_random_uuid(), %1$d, 'push', '{}', 'pending', now() - interval '40 days', now() + interval '1 day')""")
                .formatted(webhook)).execute().await().indefinitely();
        collect("PT1H");
        assertEquals(2, count("select count(*) from webhook_delivery where webhook_id = " + webhook));
        assertEquals(1, count("select count(*) from webhook_delivery where webhook_id = " + webhook
                + " and state = 'pending'"));
        pool.query("delete from webhook where id = " + webhook).execute().await().indefinitely();
    }

    @Test
    void signingKeysRetiredLongerThanAnyTokenLivesAreRemoved() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair pair = generator.generateKeyPair();
        String kid = "old" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("""
                insert into signing_key (kid, private_key, public_key, created_at, retired_at)
                values ($1, $2, $3, now() - interval '30 days', now() - interval '29 days')""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.tuple().addString(kid)
                        .addBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(pair.getPrivate().getEncoded()))
                        .addBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(pair.getPublic().getEncoded())))
                .await().indefinitely();
        collect("PT1H");
        assertEquals(0, count("select count(*) from signing_key where kid = '" + kid + "'"));
        assertTrue(count("select count(*) from signing_key where retired_at is null") >= 1, "the signing key stays");
    }

    private static int manifestSize(String host, String repo, String digest) {
        return at(host).get("/v2/" + repo + "/manifests/" + digest).then().statusCode(200).extract().asByteArray()
                .length;
    }

    private static String pushIndex(String host, String repo, String tag, String child) {
        String childType = at(host).get("/v2/" + repo + "/manifests/" + child).contentType();
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,\
                "platform":{"architecture":"amd64","os":"linux"}}],"annotations":{"n":"%s"}}"""
                .formatted(Oci.OCI_INDEX, childType, child, manifestSize(host, repo, child), UUID.randomUUID());
        return Oci.putManifest(host, repo, tag, Oci.OCI_INDEX, index).then().statusCode(201).extract()
                .header("Docker-Content-Digest");
    }

    private static String pushDocker(String host, String repo, String tag) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = Oci.bytes(500);
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",\
                "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":%d}]}"""
                .formatted(DOCKER_MANIFEST, Oci.pushBlob(host, repo, config), config.length,
                        Oci.pushBlob(host, repo, layer), layer.length);
        return Oci.putManifest(host, repo, tag, DOCKER_MANIFEST, manifest).then().statusCode(201).extract()
                .header("Docker-Content-Digest");
    }

    /**
     * Pushes and deletes from several threads while collections with a tiny grace run back to back. No stored
     * manifest may ever miss a blob; a push may be refused (its blob went before its manifest came), cleanly.
     */
    @Test
    void collectingWhilePushingAndDeletingNeverBreaksAnImage() throws Exception {
        byte[] shared = Oci.bytes(4000);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger pushed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger collections = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Future<?> gc = threads.submit(() -> {
                while (!stop.get()) {
                    given().post("/api/v1/gc?grace=PT0.2S").then().statusCode(200);
                    collections.incrementAndGet();
                }
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                String repo = Oci.repo("gc/stress");
                writers.add(threads.submit(() -> {
                    String previous = null;
                    for (int i = 0; i < 25; i++) {
                        String sharedDigest = Oci.pushBlob(repo, shared);
                        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"i\":" + i + ",\"r\":\""
                                + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
                        String configDigest = Oci.pushBlob(repo, config);
                        String manifest = Oci.imageManifest(configDigest, config.length, sharedDigest, shared.length, "");
                        Response put = Oci.putManifest(repo, "t" + (i % 3), Oci.OCI_MANIFEST, manifest);
                        if (put.statusCode() == 201) {
                            pushed.incrementAndGet();
                            if (previous != null && i % 2 == 0) {
                                given().delete("/v2/" + repo + "/manifests/" + previous);
                            }
                            previous = put.header("Docker-Content-Digest");
                        } else {
                            assertEquals(400, put.statusCode(), put.asString());
                            assertEquals("MANIFEST_BLOB_UNKNOWN", put.jsonPath().getString("errors[0].code"));
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
            stop.set(true);
            gc.get(1, TimeUnit.MINUTES);
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        assertTrue(pushed.get() > 0 && collections.get() > 0, pushed + " pushes, " + collections + " collections");

        // every blob of every manifest pushed here is linked in its repository, recorded and on disk (a cache
        // target's manifests are the exception by design, their layers fetched when first pulled: other tests')
        assertEquals(0, count("""
                select count(*) from manifest m join manifest_reference mr on mr.manifest_id = m.id
                  join repository r on r.id = m.repository_id
                where mr.kind in ('config', 'layer') and r.name like 'gc/%'
                  and not exists (select 1 from repository_blob rb join blob b on b.digest = rb.digest
                                  where rb.repository_id = m.repository_id and rb.digest = mr.digest)"""));
        List<String> referenced = new ArrayList<>();
        pool.query("""
                select distinct mr.digest from manifest_reference mr join manifest m on m.id = mr.manifest_id
                  join repository r on r.id = m.repository_id
                where mr.kind in ('config', 'layer') and r.name like 'gc/%'""")
                .execute().await().indefinitely().forEach(row -> referenced.add(row.getString(0)));
        for (String digest : referenced) {
            assertTrue(Files.exists(store.blobFile(Digest.parse(digest))), digest + " is on disk");
        }

        // once the grace has passed, no orphan is kept: no unreferenced link, no unlinked blob, no unknown file
        collect("PT0S");
        assertEquals(0, count("""
                select count(*) from repository_blob rb where not exists (
                    select 1 from manifest m join manifest_reference mr on mr.manifest_id = m.id
                    where m.repository_id = rb.repository_id and mr.digest = rb.digest)"""));
        assertEquals(0, count("select count(*) from blob b where not exists "
                + "(select 1 from repository_blob rb where rb.digest = b.digest)"));
        for (Digest onDisk : store.blobsOlderThan(Instant.now())) {
            assertEquals(1, count("select count(*) from blob where digest = '" + onDisk + "'"), onDisk + " is known");
        }
    }
}
