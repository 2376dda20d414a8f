import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small OCI registry load tool, run as a single-file program ({@code java bench/RegistryBench.java ...}) against
 * any registry, so that Drydock and CNCF Distribution get the same client in the same run. Data is zot's zb shape:
 * zero-filled blobs whose first 4 KiB are random, so every blob has a new digest.
 *
 *   image-push BASE COUNT CONCURRENCY SIZE       images/s and latency of zb-style image pushes into new repositories
 *   seed BASE REPO TAGS                          one image with TAGS tags, for the wrk runs
 *   requests BASE METHOD PATH CONCURRENCY SECONDS  req/s of one request repeated (for HEAD, which wrk cannot time)
 *   warmup BASE COUNT                            COUNT image pushes and blob pulls, unmeasured: a JVM server
 *                                                (Drydock) is measured warm, as it runs in production
 */
public class RegistryBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int CHUNK = 16 * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        String base = args[1];
        switch (args[0]) {
            case "image-push" -> imagePush(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "seed" -> seed(base, args[2], Integer.parseInt(args[3]));
            case "warmup" -> warmup(base, Integer.parseInt(args[2]));
            case "requests" -> requests(base, args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** A file of the size, zero-filled but for a random first 4 KiB; returns its digest. */
    static String freshBlob(Path file, long size) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            byte[] head = new byte[(int) Math.min(4096, size)];
            ThreadLocalRandom.current().nextBytes(head);
            raf.seek(0);
            raf.write(head);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    static String location(String base, HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.startsWith("http") ? location : base + location;
    }

    static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    static HttpResponse<String> send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(request, BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode()
                    + " " + response.body());
        }
        return response;
    }

    static String startUpload(String base, String repo) throws Exception {
        return location(base, send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/blobs/uploads/"))
                .POST(BodyPublishers.noBody()).build(), 202));
    }

    static void pushBytes(String base, String repo, byte[] content, String digest) throws Exception {
        String upload = startUpload(base, repo);
        send(HttpRequest.newBuilder(URI.create(withDigest(upload, digest)))
                .header("Content-Type", "application/octet-stream").PUT(BodyPublishers.ofByteArray(content)).build(), 201);
    }

    static void pushChunked(String base, String repo, Path file, long size, String digest) throws Exception {
        String upload = startUpload(base, repo);
        byte[] chunk = new byte[CHUNK];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            for (long offset = 0; offset < size; offset += CHUNK) {
                int length = (int) Math.min(CHUNK, size - offset);
                raf.readFully(chunk, 0, length);
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(upload))
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + length - 1))
                        .method("PATCH", BodyPublishers.ofByteArray(chunk, 0, length)).build(), 202);
                upload = location(base, r);
            }
        }
        send(HttpRequest.newBuilder(URI.create(withDigest(upload, digest))).PUT(BodyPublishers.noBody()).build(), 201);
    }

    /** zb's push unit: layer and config blobs (POST + PUT each), then the manifest, into a new repository. */
    static String pushImage(String base, String repo, String tag, int size) throws Exception {
        byte[] layer = new byte[size];
        byte[] head = new byte[Math.min(4096, size)];
        ThreadLocalRandom.current().nextBytes(head);
        System.arraycopy(head, 0, layer, 0, head.length);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"id\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String layerDigest = sha256(layer);
        String configDigest = sha256(config);
        pushBytes(base, repo, layer, layerDigest);
        pushBytes(base, repo, config, configDigest);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest + "\",\"size\":" + size + "}]}";
        send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/" + tag))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(BodyPublishers.ofString(manifest)).build(), 201);
        return manifest;
    }

    static void imagePush(String base, int count, int concurrency, int size) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> {
                long t = System.nanoTime();
                pushImage(base, "bench/image-" + UUID.randomUUID(), "latest", size);
                latencies.add((System.nanoTime() - t) / 1e6);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("image-push c=%d %.1f images/s p50 %.1f ms p99 %.1f ms%n", concurrency, count / seconds,
                sorted.get(sorted.size() / 2), sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.99))));
    }

    static void seed(String base, String repo, int tags) throws Exception {
        String manifest = pushImage(base, repo, "latest", 1024);
        for (int i = 0; i < tags; i++) {
            send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/v" + i))
                    .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                    .PUT(BodyPublishers.ofString(manifest)).build(), 201);
        }
    }

    static void warmup(String base, int count) throws Exception {
        Path file = Files.createTempFile("bench", ".blob");
        try {
            for (int i = 0; i < count; i++) {
                String repo = "bench/warmup-" + UUID.randomUUID();
                pushImage(base, repo, "latest", 65536);
                String digest = freshBlob(file, 1 << 20);
                pushChunked(base, repo, file, 1 << 20, digest);
                HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/blobs/" + digest)).GET().build(),
                        BodyHandlers.discarding());
                HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/latest"))
                        .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void requests(String base, String method, String path, int concurrency, int seconds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .method(method, BodyPublishers.noBody()).build();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    HttpResponse<Void> r = HTTP.send(request, BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode());
                    }
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("requests %s c=%d %.1f req/s%n", method, concurrency,
                done.get() / ((System.nanoTime() - start) / 1e9));
    }

    static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
