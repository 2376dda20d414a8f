package dev.drydock.instances.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.registry.RegistryFixture;
import dev.drydock.instances.runtime.ContainerRuntime;
import dev.drydock.instances.runtime.GroupCgroups;
import dev.drydock.instances.runtime.GroupNetwork;
import dev.drydock.instances.runtime.ImageConfig;
import dev.drydock.instances.runtime.LayerUnpacker;
import dev.drydock.instances.runtime.Mounts;
import dev.drydock.instances.runtime.Runc;
import dev.drydock.instances.runtime.RuntimeSpec;
import dev.drydock.instances.testing.BusyboxImage;
import dev.drydock.sandbox.HostCommand;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.drydock.instances.testing.GroupsApi.awaitState;
import static dev.drydock.instances.testing.GroupsApi.delete;
import static dev.drydock.instances.testing.GroupsApi.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host after a crash of the service: leftovers go, groups that should run are deployed again. */
@QuarkusTest
@WithTestResource(value = RegistryTestResource.class, scope = TestResourceScope.GLOBAL)
class ReconcilerTest {

    @Inject
    Reconciler reconciler;

    @Inject
    Node node;

    @ConfigProperty(name = "drydock.test.registry-url")
    String registryUrl;

    @Test
    void leftoversOfAPreviousRunAreRemovedAndGroupsThatShouldRunRunAgain() throws Exception {
        String repository = "reconcile/busybox";
        BusyboxImage.push(new RegistryFixture(registryUrl), repository, "1", "reconciled");
        String image = URI.create(registryUrl).getAuthority() + "/" + repository + ":1";
        String kept = "kept-" + UUID.randomUUID().toString().substring(0, 8);
        put(kept, """
                name: %s
                properties:
                  containers:
                    - name: c
                      properties:
                        image: %s
                        command: ['/bin/sleep', '3600']
                        resources: {requests: {cpu: 0.1, memoryInGB: 0.1}}
                """.formatted(kept, image)).then().statusCode(201);
        awaitState(kept, "Running");

        // what a crashed service leaves: a container, its group's network, a mounted volume, a cgroup, the
        // directory of a group the database no longer knows
        String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
        Path bundle = Files.createDirectories(node.groupDir(ghost).resolve("containers").resolve("c"));
        LayerUnpacker.apply(new ByteArrayInputStream(BusyboxImage.layer("ghost", false)),
                Files.createDirectories(bundle.resolve("rootfs")));
        Files.write(bundle.resolve("config.json"), new ObjectMapper().writeValueAsBytes(RuntimeSpec.of(
                new ImageConfig(List.of(), List.of("/bin/sleep", "3600"), List.of(), "", ""),
                new RuntimeSpec.Request(List.of(), List.of(), Map.of(), 0, 0, ghost, null, List.of(),
                        GroupCgroups.path(ghost, "c"), null))));
        ContainerRuntime.Running orphan = new Runc(node.config().runc(), node.dataDir().resolve("runc"))
                .start(ghost + "_c", bundle, GroupCgroups.path(ghost, "c"), (stream, text) -> { });
        GroupNetwork.create(ghost, GroupNetwork.SLOTS - 2, node.config().subnet());
        Path secret = Files.createDirectories(node.groupDir(ghost).resolve("volumes").resolve("secret"));
        HostCommand.check(List.of("mount", "-t", "tmpfs", "tmpfs", secret.toString()), Duration.ofSeconds(10));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.runtime().list().contains(ghost + "_c"));

        Reconciler.Cleaned cleaned = reconciler.reconcile();

        // the running group was stopped by the service itself first: what remained is exactly the ghost's
        assertEquals(new Reconciler.Cleaned(1, 1, 1, 1), cleaned);
        assertEquals(137, orphan.exit().get().code());
        assertFalse(node.runtime().list().contains(ghost + "_c"));
        assertFalse(GroupNetwork.exists(ghost));
        assertFalse(GroupCgroups.groups().contains(ghost));
        assertEquals(List.of(), Mounts.under(node.groupDir(ghost)));
        assertFalse(Files.exists(node.groupDir(ghost)));

        JsonPath view = awaitState(kept, "Running");
        assertTrue(view.getString("properties.instanceView.events.message").contains("restarted"),
                view.getString("properties.instanceView.events.message"));
        delete(kept);
    }
}
