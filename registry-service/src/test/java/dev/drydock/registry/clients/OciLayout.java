package dev.drydock.registry.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.oci.Digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes OCI image layouts (the format skopeo copies from and to) with real tar layers, so that client tests start
 * from images made here and need no network.
 */
public final class OciLayout {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public OciLayout(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A descriptor as written into manifests and the layout's index. */
    public record Blob(String mediaType, Digest digest, long size) {
        ObjectNode descriptor() {
            ObjectNode d = JSON.createObjectNode();
            d.put("mediaType", mediaType);
            d.put("digest", digest.toString());
            d.put("size", size);
            return d;
        }
    }

    Blob blob(String mediaType, byte[] content) {
        Digest digest = Digest.sha256(content);
        try {
            Files.write(dir.resolve("blobs/sha256").resolve(digest.hex()), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Blob(mediaType, digest, content.length);
    }

    /** An image for one platform with one uncompressed tar layer per file content given. */
    public Blob image(Path scratch, String architecture, List<String> files) {
        List<Blob> layers = new ArrayList<>();
        ArrayNode diffIds = JSON.createArrayNode();
        for (int i = 0; i < files.size(); i++) {
            // compressed, as registries carry them: clients then push the layer as it is, digest unchanged
            byte[] tar = tarOf(scratch, "file" + i + ".txt", files.get(i));
            layers.add(blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar)));
            diffIds.add(Digest.sha256(tar).toString());
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/true");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.set("diff_ids", diffIds);
        Blob configBlob = blob("application/vnd.oci.image.config.v1+json", write(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", configBlob.descriptor());
        ArrayNode layerArray = manifest.putArray("layers");
        layers.forEach(l -> layerArray.add(l.descriptor()));
        return blob("application/vnd.oci.image.manifest.v1+json", write(manifest));
    }

    Blob index(List<Blob> manifests, List<String> architectures) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode array = index.putArray("manifests");
        for (int i = 0; i < manifests.size(); i++) {
            ObjectNode d = manifests.get(i).descriptor();
            ObjectNode platform = d.putObject("platform");
            platform.put("architecture", architectures.get(i));
            platform.put("os", "linux");
            array.add(d);
        }
        return blob("application/vnd.oci.image.index.v1+json", write(index));
    }

    /** Names {@code top} in the layout's index.json under {@code tag}. */
    public void tag(Blob top, String tag) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode d = top.descriptor();
        d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        index.putArray("manifests").add(d);
        try {
            Files.write(dir.resolve("index.json"), write(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The digest of the manifest the layout's index.json names. */
    static String taggedDigest(Path layout) {
        try {
            return JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] tarOf(Path scratch, String name, String content) {
        try {
            Path work = Files.createTempDirectory(scratch, "layer");
            Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
            Command.run(work, "tar", "--owner=0", "--group=0", "--mtime=2020-01-01", "-cf", "layer.tar", name);
            return Files.readAllBytes(work.resolve("layer.tar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] content) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] write(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
