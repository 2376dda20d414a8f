package dev.drydock.registry.clients;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry as docker-world clients use it: skopeo, podman, buildah and Jib, unchanged, against the real app. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class RealClientsTest {

    @TempDir
    Path work;

    private static String registry() {
        return "127.0.0.1:" + RestAssured.port;
    }

    private List<String> containers(String tool, String... args) {
        return Command.containers(work, tool, args);
    }

    @Test
    void skopeoCopiesAMultiLayerImageInAndOutWithIdenticalDigests() {
        Command.require("skopeo");
        OciLayout layout = new OciLayout(work.resolve("in"));
        OciLayout.Blob image = layout.image(work, "amd64", List.of("one", "two", "three"));
        layout.tag(image, "v1");
        String target = "docker://" + registry() + "/clients/skopeo/multilayer:v1";

        Command.run(work, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + work.resolve("in") + ":v1", target);
        Command.run(work, "skopeo", "copy", "--src-tls-verify=false", target, "oci:" + work.resolve("out") + ":v1");

        assertEquals(image.digest().toString(), OciLayout.taggedDigest(work.resolve("out")));
        given().head("/v2/clients/skopeo/multilayer/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest().toString());
    }

    @Test
    void skopeoCopiesAMultiArchIndexWithAllItsManifests() {
        Command.require("skopeo");
        OciLayout layout = new OciLayout(work.resolve("in"));
        OciLayout.Blob amd = layout.image(work, "amd64", List.of("amd"));
        OciLayout.Blob arm = layout.image(work, "arm64", List.of("arm"));
        OciLayout.Blob index = layout.index(List.of(amd, arm), List.of("amd64", "arm64"));
        layout.tag(index, "multi");
        String target = "docker://" + registry() + "/clients/skopeo/multiarch:multi";

        Command.run(work, "skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:" + work.resolve("in") + ":multi", target);
        Command.run(work, "skopeo", "copy", "--all", "--src-tls-verify=false", target, "oci:" + work.resolve("out") + ":multi");

        assertEquals(index.digest().toString(), OciLayout.taggedDigest(work.resolve("out")));
        for (OciLayout.Blob child : List.of(amd, arm)) {
            given().head("/v2/clients/skopeo/multiarch/manifests/" + child.digest()).then().statusCode(200);
        }
    }

    @Test
    void podmanPushesAndPullsWithVfsStorage() {
        Command.require("podman");
        OciLayout layout = new OciLayout(work.resolve("in"));
        layout.tag(layout.image(work, "amd64", List.of("podman")), "v1");
        String image = registry() + "/clients/podman/app:v1";
        String pulled = Command.run(work, containers("podman", "pull", "-q", "oci:" + work.resolve("in") + ":v1"));
        String imageId = pulled.strip().lines().reduce((a, b) -> b).orElseThrow();
        Command.run(work, containers("podman", "tag", imageId, image));
        Command.run(work, containers("podman", "push", "--tls-verify=false", image));
        given().head("/v2/clients/podman/app/manifests/v1").then().statusCode(200);

        Command.run(work, containers("podman", "rmi", "--all", "--force"));
        Command.run(work, containers("podman", "pull", "--tls-verify=false", image));
        String images = Command.run(work, containers("podman", "images", "--format", "{{.Repository}}:{{.Tag}}"));
        assertTrue(images.contains(image), images);
    }

    @Test
    void buildahPushesAnImageItBuilt() {
        Command.require("buildah");
        Path file = work.resolve("hello.txt");
        writeString(file, "built by buildah\n");
        String container = Command.run(work, containers("buildah", "from", "scratch")).strip();
        Command.run(work, containers("buildah", "copy", container, file.toString(), "/hello.txt"));
        Command.run(work, containers("buildah", "commit", container, "localhost/built:v1"));
        Command.run(work, containers("buildah", "push", "--tls-verify=false", "localhost/built:v1",
                "docker://" + registry() + "/clients/buildah/built:v1"));

        String manifest = given().get("/v2/clients/buildah/built/manifests/v1").then().statusCode(200)
                .extract().asString();
        String layer = io.restassured.path.json.JsonPath.from(manifest).getString("layers[0].digest");
        given().head("/v2/clients/buildah/built/blobs/" + layer).then().statusCode(200);
    }

    @Test
    void jibPushesAnImage() throws Exception {
        Path file = work.resolve("app.txt");
        writeString(file, "built by jib\n");
        JibContainer container = Jib.fromScratch()
                .addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                .setEntrypoint("/app/app.txt")
                .containerize(Containerizer.to(RegistryImage.named(registry() + "/clients/jib/app:v1"))
                        .setAllowInsecureRegistries(true)
                        .setOfflineMode(false));
        given().head("/v2/clients/jib/app/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", container.getDigest().toString());
    }

    private static void writeString(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
