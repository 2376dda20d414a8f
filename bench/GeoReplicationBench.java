import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Geo-replication between two sites, as a client sees it ({@code java bench/GeoReplicationBench.java ...}, run by
 * bench/geo-replication.sh). Images are one random layer pushed the way docker does (POST, one streamed PATCH, PUT
 * with the digest), then a config and the manifest, each into a fresh repository of the named registry.
 *
 *   lag WEST EAST HOST WEST_AUTH EAST_AUTH COUNT SIZE   push COUNT images to west one by one; for each, the time
 *                                                       from the manifest PUT's answer to east answering the tag
 *   push WEST HOST AUTH PREFIX COUNT SIZE               push COUNT images into PREFIX-<n> (east may be away)
 *   await EAST HOST AUTH PREFIX COUNT                   wait until east has every one; prints seconds
 *
 * AUTH is user:password (Basic). HOST is the registry's login server, sent as Host to both sites' addresses.
 */
public class GeoReplicationBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "lag" -> lag(args[1], args[2], args[3], args[4], args[5], Integer.parseInt(args[6]),
                    Integer.parseInt(args[7]));
            case "push" -> {
                long start = System.nanoTime();
                for (int i = 0; i < Integer.parseInt(args[5]); i++) {
                    push(args[1], args[2], args[3], args[4] + "-" + i, Integer.parseInt(args[6]));
                }
                System.out.printf("pushed %s images in %.1f s%n", args[5], (System.nanoTime() - start) / 1e9);
            }
            case "await" -> {
                long start = System.nanoTime();
                int count = Integer.parseInt(args[5]);
                for (int i = count - 1; i >= 0; i--) {
                    while (!present(args[1], args[2], args[3], args[4] + "-" + i)) {
                        Thread.sleep(20);
                    }
                }
                System.out.printf("%.2f%n", (System.nanoTime() - start) / 1e9);
            }
            default -> throw new IllegalArgumentException("lag, push or await");
        }
    }

    private static void lag(String west, String east, String host, String westAuth, String eastAuth, int count,
            int size) throws Exception {
        List<Double> lags = new ArrayList<>();
        String prefix = "lag/" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < count; i++) {
            String repository = prefix + "-" + i;
            push(west, host, westAuth, repository, size);
            long pushed = System.nanoTime();
            while (!present(east, host, eastAuth, repository)) {
                Thread.sleep(5);
            }
            lags.add((System.nanoTime() - pushed) / 1e9);
        }
        Collections.sort(lags);
        System.out.printf("%d images of %d bytes: lag p50 %.3f s, p99 %.3f s, max %.3f s%n", count, size,
                lags.get(lags.size() / 2), lags.get(Math.min(lags.size() - 1, (int) Math.ceil(lags.size() * 0.99) - 1)),
                lags.get(lags.size() - 1));
    }

    private static boolean present(String base, String host, String auth, String repository) throws Exception {
        HttpResponse<Void> head = HTTP.send(request(base, host, auth, "/v2/" + repository + "/manifests/v1")
                .header("Accept", MANIFEST).method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
        return head.statusCode() == 200;
    }

    private static void push(String base, String host, String auth, String repository, int size) throws Exception {
        byte[] layer = new byte[size];
        ThreadLocalRandom.current().nextBytes(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"n\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        String layerDigest = upload(base, host, auth, repository, layer);
        String configDigest = upload(base, host, auth, repository, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + size + "}]}";
        expect(HTTP.send(request(base, host, auth, "/v2/" + repository + "/manifests/v1")
                .header("Content-Type", MANIFEST).PUT(BodyPublishers.ofString(manifest)).build(),
                BodyHandlers.ofString()), 201);
    }

    private static String upload(String base, String host, String auth, String repository, byte[] content)
            throws Exception {
        HttpResponse<String> start = HTTP.send(request(base, host, auth, "/v2/" + repository + "/blobs/uploads/")
                .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        expect(start, 202);
        HttpResponse<String> patch = HTTP.send(request(base, host, auth, path(start))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(content)).build(), BodyHandlers.ofString());
        expect(patch, 202);
        String location = path(patch);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        expect(HTTP.send(request(base, host, auth, location + (location.contains("?") ? "&" : "?") + "digest="
                + digest).PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString()), 201);
        return digest;
    }

    private static String path(HttpResponse<String> response) {
        URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
        return location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery());
    }

    private static HttpRequest.Builder request(String base, String host, String auth, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Host", host)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        auth.getBytes(StandardCharsets.UTF_8)));
    }

    private static void expect(HttpResponse<String> response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(response.request().method() + " " + response.request().uri() + ": "
                    + response.statusCode() + " " + response.body());
        }
    }
}
