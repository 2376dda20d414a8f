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
                        node.cgroups().path(ghost, "c"), null))));
        ContainerRuntime.Running orphan = new Runc(node.config().runc(), node.dataDir().resolve("runc"))
                .start(ghost + "_c", bundle, node.cgroups().path(ghost, "c"), (stream, text) -> { });
        node.networks().create(ghost, GroupNetwork.SLOTS - 2, node.config().subnet());
        Path secret = Files.createDirectories(node.groupDir(ghost).resolve("volumes").resolve("secret"));
        HostCommand.check(List.of("mount", "-t", "tmpfs", "tmpfs", secret.toString()), Duration.ofSeconds(10));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.runtime().list().contains(ghost + "_c"));

        Reconciler.Cleaned cleaned = reconciler.reconcile();

        // the running group was stopped by the service itself first: what remained is exactly the ghost's
        assertEquals(new Reconciler.Cleaned(1, 1, 1, 1), cleaned);
        assertEquals(137, orphan.exit().get().code());
        assertFalse(node.runtime().list().contains(ghost + "_c"));
        assertFalse(node.networks().exists(ghost));
        assertFalse(node.cgroups().groups().contains(ghost));
        assertEquals(List.of(), Mounts.under(node.groupDir(ghost)));
        assertFalse(Files.exists(node.groupDir(ghost)));

        JsonPath view = awaitState(kept, "Running");
        assertTrue(view.getString("properties.instanceView.events.message").contains("restarted"),
                view.getString("properties.instanceView.events.message"));
        delete(kept);
    }

    @Test
    void anotherInstanceServiceOnTheHostKeepsItsGroups() throws Exception {
        // what a second stack (or a test suite) on this host owns: a group of the same name, its namespace, its
        // cgroup and its network slot
        GroupNetwork theirNetworks = new GroupNetwork("0ther5vc");
        GroupCgroups theirCgroups = new GroupCgroups("0ther5vc");
        String group = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        int theirSlot = node.takeSlot();
        node.releaseSlot(theirSlot);
        try {
            theirNetworks.create(group, theirSlot, node.config().subnet());
            theirCgroups.create(group, 0.5, 64L << 20);

            reconciler.reconcile();

            assertTrue(theirNetworks.exists(group), "this service's start-up removed another's namespace");
            assertTrue(theirCgroups.groups().contains(group), "this service's start-up removed another's cgroup");
            assertFalse(node.networks().exists(group));
            // the slot whose link the other service holds is not handed out here
            int mine = node.takeSlot();
            node.releaseSlot(mine);
            assertTrue(mine != theirSlot, "slot " + theirSlot + " given out twice on one host");
        } finally {
            theirNetworks.delete(group);
            theirCgroups.remove(group);
        }
    }
}
