package dev.drydock.instances.runtime;

import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.registry.RegistryFixture;
import dev.drydock.oci.client.RegistryClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images pulled from a real registry service (authentication on), unpacked once per manifest digest. */
@QuarkusTest
@WithTestResource(value = RegistryTestResource.class, scope = TestResourceScope.GLOBAL)
class ImageStoreTest {

    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final RegistryClient.Credentials ADMIN = new RegistryClient.Credentials(RegistryTestResource.ADMIN,
            RegistryTestResource.ADMIN_PASSWORD);

    @ConfigProperty(name = "drydock.test.registry-url")
    String registryUrl;

    @TempDir
    Path temp;

    private static byte[] layer(String... namesAndTexts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (int i = 0; i < namesAndTexts.length; i += 2) {
                byte[] content = namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(namesAndTexts[i]);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aPulledImageIsItsLayersInOrderWithItsConfigAndIsUnpackedOnce() throws IOException {
        RegistryFixture registry = new RegistryFixture(registryUrl);
        String repository = "pull/" + UUID.randomUUID().toString().substring(0, 8);
        String digest = registry.image(repository, "1", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":"
                + "{\"Entrypoint\":[\"/bin/app\"],\"Cmd\":[\"serve\"],\"Env\":[\"MODE=prod\"],\"WorkingDir\":\"/srv\"}}",
                List.of(layer("etc/motd", "one\n", "etc/old", "gone\n"), layer("etc/motd", "two\n", "etc/.wh.old", "")),
                LAYER);
        String host = URI.create(registryUrl).getAuthority();
        ImageStore store = new ImageStore(temp.resolve("cache"));

        ImageStore.Image image = store.pull(host + "/" + repository + ":1", ADMIN);
        assertEquals(digest, image.manifest().toString());
        assertEquals("two\n", Files.readString(image.rootfs().resolve("etc/motd")));
        assertFalse(Files.exists(image.rootfs().resolve("etc/old")), "the upper layer's whiteout applies");
        assertEquals(List.of("/bin/app"), image.config().entrypoint());
        assertEquals("/srv", image.config().workingDir());

        Files.writeString(image.rootfs().resolve("marker"), "cached");
        ImageStore.Image again = store.pull(host + "/" + repository + "@" + digest, ADMIN);
        assertEquals(image.rootfs(), again.rootfs());
        assertEquals("cached", Files.readString(again.rootfs().resolve("marker")), "not unpacked a second time");
    }

    @Test
    void anIndexGivesItsLinuxAmd64ImageAndCredentialsAreChecked() throws IOException {
        RegistryFixture registry = new RegistryFixture(registryUrl);
        String repository = "multi/" + UUID.randomUUID().toString().substring(0, 8);
        String config = "{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]}}";
        String arm = registry.image(repository, null, config.formatted("arm64"), List.of(layer("arch", "arm64\n")),
                LAYER);
        String amd = registry.image(repository, null, config.formatted("amd64"), List.of(layer("arch", "amd64\n")),
                LAYER);
        registry.index(repository, "1", List.of(arm, amd), List.of("arm64", "amd64"));
        String host = URI.create(registryUrl).getAuthority();
        ImageStore store = new ImageStore(temp.resolve("cache"));

        ImageStore.Image image = store.pull(host + "/" + repository + ":1", ADMIN);
        assertEquals(amd, image.manifest().toString());
        assertEquals("amd64\n", Files.readString(image.rootfs().resolve("arch")));
        assertThrows(IOException.class, () -> store.pull(host + "/" + repository + ":1",
                new RegistryClient.Credentials(RegistryTestResource.ADMIN, "wrong")));
    }

    /**
     * The registry service refuses corrupt blobs, so a registry that lies is a stub here: its layer's bytes are not
     * the ones its manifest names. The pull fails, and the cache keeps nothing of it.
     */
    @Test
    void aLayerWhoseBytesAreNotItsDigestIsRefusedAndNothingIsCached() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] promised = layer("etc/motd", "promised\n");
        byte[] served = layer("etc/motd", "tampered\n");
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryFixture.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha256(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"" + LAYER + "\",\"digest\":\""
                + sha256(promised) + "\",\"size\":" + served.length + "}]}";
        String configDigest = sha256(config);
        String layerDigest = sha256(promised);
        HttpServer liar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        liar.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.endsWith("/manifests/1") ? manifest.getBytes(StandardCharsets.UTF_8)
                    : path.endsWith(configDigest) ? config : path.endsWith(layerDigest) ? served : new byte[0];
            if (path.endsWith("/manifests/1")) {
                exchange.getResponseHeaders().add("Content-Type", RegistryFixture.OCI_MANIFEST);
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        liar.start();
        try {
            ImageStore store = new ImageStore(temp.resolve("cache"));
            IOException refused = assertThrows(IOException.class, () -> store.pull("127.0.0.1:"
                    + liar.getAddress().getPort() + "/lying/image:1", null));
            assertTrue(refused.getMessage().contains("arrived with digest"), refused.getMessage());
            try (Stream<Path> entries = Files.list(temp.resolve("cache"))) {
                assertEquals(List.of(), entries.toList());
            }
        } finally {
            liar.stop(0);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
