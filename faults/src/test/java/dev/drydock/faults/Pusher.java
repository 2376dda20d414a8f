package dev.drydock.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pushes images as docker and containerd do: each blob in a session of chunks (POST, PATCH, PATCH, PUT with the
 * digest), then the manifest. A push that fails on the way (the registry died, a 5xx) is pushed again from the start
 * once the registry is ready, as those clients retry; a push counts only when its manifest PUT answered 201.
 */
final class Pusher {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    /** An acknowledged push. */
    record Pushed(String repository, String digest, String layerDigest, int failedAttempts) {
    }

    private final StackUnderTest stack;

    Pusher(StackUnderTest stack) {
        this.stack = stack;
    }

    /** Pushes a new random image to {@code repository}:v1, retrying until it is acknowledged or 2 minutes passed. */
    Pushed push(String repository) throws InterruptedException {
        byte[] layer = new byte[96 * 1024];
        ThreadLocalRandom.current().nextBytes(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"marker\":\"" + repository + "\"}").getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int failed = 0;
        while (true) {
            try {
                String layerDigest = upload(repository, layer);
                String configDigest = upload(repository, config);
                String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"config\":{"
                        + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest
                        + "\",\"size\":" + layer.length + "}]}";
                HttpResponse<String> put = stack.send(HttpRequest.newBuilder(
                                stack.url(stack.registryPort, "/v2/" + repository + "/manifests/v1"))
                        .header("Content-Type", MANIFEST_TYPE)
                        .PUT(HttpRequest.BodyPublishers.ofString(manifest)));
                expect(put, 201, "manifest PUT");
                return new Pushed(repository, digest(manifest.getBytes(StandardCharsets.UTF_8)), layerDigest, failed);
            } catch (IOException | Refused e) {
                failed++;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no push of " + repository + " within 2 minutes: " + e.getMessage(), e);
                }
                stack.awaitReady(stack.registryPort, Duration.ofMinutes(2));
            }
        }
    }

    private String upload(String repository, byte[] content) throws IOException, InterruptedException, Refused {
        HttpResponse<String> start = stack.send(HttpRequest.newBuilder(
                stack.url(stack.registryPort, "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "upload POST");
        String location = location(start);
        int half = content.length / 2;
        for (byte[] chunk : new byte[][] {Arrays.copyOfRange(content, 0, half),
                Arrays.copyOfRange(content, half, content.length)}) {
            HttpResponse<String> patch = stack.send(HttpRequest.newBuilder(URI.create(location))
                    .header("Content-Type", "application/octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)));
            expect(patch, 202, "upload PATCH");
            location = location(patch);
        }
        String digest = digest(content);
        HttpResponse<String> put = stack.send(HttpRequest.newBuilder(URI.create(location
                + (location.contains("?") ? "&" : "?") + "digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        expect(put, 201, "upload PUT");
        return digest;
    }

    /** The upload's next URL, at the stack's address (an absolute one names a login server no DNS knows). */
    private String location(HttpResponse<String> response) {
        URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
        return stack.url(stack.registryPort, location.getRawPath()
                + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery())).toString();
    }

    private static void expect(HttpResponse<String> response, int status, String step) throws Refused {
        if (response.statusCode() != status) {
            if (response.statusCode() >= 500 || response.statusCode() == 404) {
                // the registry died or restarts (an upload session of a dead registry may be unknown to it): retry
                throw new Refused(step + ": " + response.statusCode() + " " + response.body());
            }
            throw new AssertionError(step + ": " + response.statusCode() + " " + response.body());
        }
    }

    static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A step the registry could not do now. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }
}
