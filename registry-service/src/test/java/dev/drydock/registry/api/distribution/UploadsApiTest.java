package dev.drydock.registry.api.distribution;

import dev.drydock.registry.testing.Oci;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static dev.drydock.registry.testing.Oci.assertError;
import static dev.drydock.registry.testing.Oci.bytes;
import static dev.drydock.registry.testing.Oci.digest;
import static dev.drydock.registry.testing.Oci.repo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class UploadsApiTest {

    @ConfigProperty(name = "drydock.registry.storage-root")
    String storageRoot;

    @Test
    void monolithicPostThenPut() {
        String repo = repo("uploads/mono");
        byte[] content = bytes(70_000);
        Response post = given().post("/v2/" + repo + "/blobs/uploads/");
        post.then().statusCode(202).header("Range", "0-0")
                .header("Location", matchesPattern("/v2/" + repo + "/blobs/uploads/[0-9a-f-]{36}"))
                .header("Docker-Distribution-Api-Version", "registry/2.0");
        given().contentType("application/octet-stream").body(content)
                .put(post.header("Location") + "?digest=" + digest(content))
                .then().statusCode(201)
                .header("Location", "/v2/" + repo + "/blobs/" + digest(content))
                .header("Docker-Content-Digest", digest(content));
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    /**
     * Java's HTTP client upgrades a plain connection to HTTP/2 (h2c); a closing PUT without a body then arrives read to
     * its end, which once made the registry answer 500.
     */
    @Test
    void aChunkedUploadOverHttp2ClosesWithAnEmptyPut() throws Exception {
        String repo = repo("uploads/h2c");
        byte[] content = bytes(50_000);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        String base = "http://localhost:" + RestAssured.port;
        HttpResponse<Void> post = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo
                + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> patch = client.send(HttpRequest.newBuilder(URI.create(base
                        + post.headers().firstValue("Location").orElseThrow()))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(HttpClient.Version.HTTP_2, patch.version(), "the client spoke HTTP/2");
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base
                        + patch.headers().firstValue("Location").orElseThrow() + "?digest=" + digest(content)))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    @Test
    void singleRequestPostWithDigest() {
        String repo = repo("uploads/single");
        byte[] content = bytes(5000);
        given().contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + digest(content))
                .then().statusCode(201).header("Docker-Content-Digest", digest(content));
        given().head("/v2/" + repo + "/blobs/" + digest(content)).then().statusCode(200)
                .header("Content-Length", "5000");
    }

    @Test
    void chunkedUploadInOrderWithStatusAndAClosingChunk() {
        String repo = repo("uploads/chunked");
        byte[] content = bytes(30);
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        location = patch(location, Arrays.copyOfRange(content, 0, 10), "0-9").then().statusCode(202)
                .header("Range", "0-9").extract().header("Location");

        Response outOfOrder = patch(location, Arrays.copyOfRange(content, 20, 30), "20-29");
        assertError(outOfOrder, 416, "RANGE_INVALID");
        outOfOrder.then().header("Range", "0-9");
        assertError(patch(location, Arrays.copyOfRange(content, 0, 10), "0-9"), 416, "RANGE_INVALID");

        given().get(location).then().statusCode(204).header("Range", "0-9").header("Location", location);
        location = patch(location, Arrays.copyOfRange(content, 10, 20), "10-19").then().statusCode(202)
                .header("Range", "0-19").extract().header("Location");
        given().contentType("application/octet-stream").header("Content-Range", "20-29")
                .body(Arrays.copyOfRange(content, 20, 30))
                .put(location + "?digest=" + digest(content)).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    @Test
    void streamedPatchWithoutContentRangeThenEmptyPut() {
        String repo = repo("uploads/streamed");
        byte[] content = bytes(100_000);
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        location = given().contentType("application/octet-stream").body(new byte[0]).patch(location)
                .then().statusCode(202).extract().header("Location");
        location = given().contentType("application/octet-stream").body(content).patch(location)
                .then().statusCode(202).header("Range", "0-99999").extract().header("Location");
        given().put(location + "?digest=" + digest(content)).then().statusCode(201);
        given().head("/v2/" + repo + "/blobs/" + digest(content)).then().statusCode(200);
    }

    /**
     * Chunks that end off the disk's block boundaries, bodies beyond the writer's high-water mark (so the request is
     * paused and resumed), sent with Transfer-Encoding: chunked as docker does: the blob is the bytes sent, no more.
     */
    @Test
    void largeUnalignedStreamedChunksArriveWhole() throws Exception {
        String repo = repo("uploads/large");
        byte[] content = bytes(21 * 1024 * 1024 + 4321);
        int[] cuts = {0, 5_000_001, 5_000_001 + 4096, content.length};
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://localhost:" + RestAssured.port;
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        for (int i = 0; i + 1 < cuts.length; i++) {
            byte[] chunk = Arrays.copyOfRange(content, cuts[i], cuts[i + 1]);
            // a publisher of unknown length makes the client send the body chunked
            HttpResponse<String> patch = client.send(HttpRequest.newBuilder(URI.create(base + location))
                    .header("Content-Type", "application/octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofByteArray(chunk))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, patch.statusCode(), patch.body());
            assertEquals("0-" + (cuts[i + 1] - 1), patch.headers().firstValue("Range").orElseThrow());
            location = patch.headers().firstValue("Location").orElseThrow();
        }
        given().put(location + "?digest=" + digest(content)).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    @Test
    void wrongDigestIsRefusedAndLeavesNothingBehind() {
        String repo = repo("uploads/wrong");
        byte[] content = bytes(1000);
        String claimed = digest(bytes(10));
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        assertError(given().contentType("application/octet-stream").body(content).put(location + "?digest=" + claimed),
                400, "DIGEST_INVALID");
        assertError(given().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        given().head("/v2/" + repo + "/blobs/" + claimed).then().statusCode(404);
        given().head("/v2/" + repo + "/blobs/" + digest(content)).then().statusCode(404);

        assertError(given().contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + claimed), 400, "DIGEST_INVALID");
        assertError(given().contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/?digest=sha256:xyz"), 400, "DIGEST_INVALID");
    }

    @Test
    void closingPutMustNameADigest() {
        String repo = repo("uploads/nodigest");
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        assertError(given().contentType("application/octet-stream").body(bytes(10)).put(location), 400,
                "DIGEST_INVALID");
    }

    @Test
    void cancelledAndUnknownUploads() {
        String repo = repo("uploads/cancel");
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        given().delete(location).then().statusCode(204);
        assertError(given().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch(location, bytes(5), "0-4"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/blobs/uploads/not-a-uuid"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().get(location.replace("uploads/cancel", "uploads/other")), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void malformedContentRangeIsRefused() {
        String repo = repo("uploads/badrange");
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        assertError(patch(location, bytes(5), "zero-four"), 400, "BLOB_UPLOAD_INVALID");
        assertError(patch(location, bytes(5), "0-9"), 400, "SIZE_INVALID");

        // the refused chunk's bytes must not survive into the blob
        byte[] content = bytes(3);
        patch(location, content, "0-2").then().statusCode(202).header("Range", "0-2");
        given().put(location + "?digest=" + digest(content)).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    @Test
    void crossRepositoryMountOnlyFromWhereTheBlobIsVisible() {
        String source = repo("uploads/mount-src");
        String target = repo("uploads/mount-dst");
        String digest = Oci.pushBlob(source, bytes(2000));
        given().post("/v2/" + target + "/blobs/uploads/?mount=" + digest + "&from=" + source)
                .then().statusCode(201).header("Location", "/v2/" + target + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        given().head("/v2/" + target + "/blobs/" + digest).then().statusCode(200);

        String stranger = repo("uploads/mount-none");
        given().post("/v2/" + target + "/blobs/uploads/?mount=" + digest + "&from=" + stranger)
                .then().statusCode(202).header("Location", matchesPattern(".*/blobs/uploads/.*"));
        given().post("/v2/" + stranger + "/blobs/uploads/?mount=" + digest)
                .then().statusCode(202);
        given().head("/v2/" + stranger + "/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void sha512Blobs() {
        String repo = repo("uploads/sha512");
        byte[] content = bytes(3000);
        String sha512 = Oci.sha512(content);
        String location = given().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        given().contentType("application/octet-stream").body(content).put(location + "?digest=" + sha512)
                .then().statusCode(201).header("Docker-Content-Digest", sha512);
        given().get("/v2/" + repo + "/blobs/" + sha512).then().statusCode(200)
                .header("Docker-Content-Digest", equalTo(sha512));
    }

    /**
     * A client that stops sending mid-body holds nothing for long: the registry serves others meanwhile, hangs up
     * once the connection has been idle for the idle timeout (5 s in tests), counts none of the stalled bytes, and the
     * upload takes the chunk again at once (no "chunk in flight" left behind).
     */
    @Test
    void aClientStallingMidBodyIsCutOffAndTheUploadCarriesOn() throws Exception {
        String repo = repo("uploads/stall");
        byte[] content = bytes(1 << 20);
        String location = given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + content.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(content, 0, 100_000);
            out.flush();
            given().get("/v2/").then().statusCode(200);
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the registry still waits for the stalled body after 30 s", e);
            } catch (SocketException e) {
                answer = "";
            }
            assertFalse(answer.startsWith("HTTP/1.1 2"), answer);
        }
        String stalled = location;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(stalled).then().statusCode(204)
                .header("Range", "0-0"));
        location = given().contentType("application/octet-stream").body(content).patch(location)
                .then().statusCode(202).header("Range", "0-" + (content.length - 1)).extract().header("Location");
        given().put(location + "?digest=" + digest(content)).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    /**
     * The disk fills mid-upload (a real ext4 file system of 8 MiB mounted over the upload directory, so the O_DIRECT
     * path is the one that fails): 503 with Retry-After and a JSON error naming the problem, the session is kept at
     * the bytes it had, and once there is space again the same upload completes.
     */
    @Test
    void aDiskThatFillsMidUploadAnswers503AndTheUploadResumesLater() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a file system needs root");
        String repo = repo("uploads/full");
        byte[] content = bytes(16 << 20);
        String location = given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        Path uploads = Path.of(storageRoot, "uploads").toAbsolutePath();
        Path image = Files.createTempFile("drydock-full", ".ext4");
        try {
            run("truncate", "-s", "8M", image.toString());
            run("mkfs.ext4", "-q", "-F", image.toString());
            run("mount", "-o", "loop", image.toString(), uploads.toString());
            try {
                given().contentType("application/octet-stream").body(content).patch(location)
                        .then().statusCode(503).header("Retry-After", "60")
                        .body("errors[0].code", equalTo("UNAVAILABLE"))
                        .body("errors[0].message", containsString("storage is full"));
                given().get(location).then().statusCode(204).header("Range", "0-0");
            } finally {
                run("umount", uploads.toString());
            }
        } finally {
            Files.deleteIfExists(image);
        }
        location = given().contentType("application/octet-stream").body(content).patch(location)
                .then().statusCode(202).header("Range", "0-" + (content.length - 1)).extract().header("Location");
        given().put(location + "?digest=" + digest(content)).then().statusCode(201);
        assertArrayEquals(content, given().get("/v2/" + repo + "/blobs/" + digest(content)).asByteArray());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }

    private static Response patch(String location, byte[] chunk, String range) {
        return given().contentType("application/octet-stream").header("Content-Range", range).body(chunk)
                .patch(location);
    }
}
