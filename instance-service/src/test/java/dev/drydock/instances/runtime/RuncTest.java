package dev.drydock.instances.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.instances.testing.BusyboxImage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Containers on the real runc, from a busybox root filesystem unpacked with LayerUnpacker. */
class RuncTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private Runc runc;

    @BeforeEach
    void runc() {
        boolean present = Files.isExecutable(Path.of("/usr/sbin/runc")) && Files.isExecutable(Path.of("/bin/busybox"));
        if (System.getenv("DRYDOCK_REQUIRE_CLIENTS") == null) {
            assumeTrue(present, "runc or busybox-static is not installed");
        }
        runc = new Runc("/usr/sbin/runc", temp.resolve("runc-state"));
    }

    /** A bundle whose root holds busybox and its applets, with the config for {@code request}. */
    private Path bundle(ImageConfig image, RuntimeSpec.Request request) throws IOException {
        Path bundle = Files.createDirectories(temp.resolve("bundle-" + UUID.randomUUID()));
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        LayerUnpacker.apply(new ByteArrayInputStream(BusyboxImage.layer("hello from the group", false)), rootfs);
        JSON.writeValue(bundle.resolve("config.json").toFile(), RuntimeSpec.of(image, request));
        return bundle;
    }

    private static ImageConfig busybox() {
        return new ImageConfig(List.of(), List.of("/bin/sh"), List.of("FROM_IMAGE=yes", "OVERRIDDEN=image"), "", "");
    }

    /** A container's output, kept per stream. */
    private static final class Captured implements ContainerRuntime.Output {
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();

        @Override
        public void line(ContainerRuntime.Stream stream, String text) {
            (stream == ContainerRuntime.Stream.STDOUT ? out : err).append(text).append('\n');
        }
    }

    private ContainerRuntime.Exit run(Path bundle, String id, Captured output) throws Exception {
        return runc.start(id, bundle, "/" + id, output).exit().get(60, TimeUnit.SECONDS);
    }

    private static RuntimeSpec.Request request(List<String> command, Map<String, String> env, long memory,
            String hostname, Path network) {
        return new RuntimeSpec.Request(command, List.of(), env, memory, 0.5, hostname, network, List.of(), null, null);
    }

    @Test
    void theExitCodeAndOutputAreTheContainersAndTheGroupsCommandReplacesTheImages() throws Exception {
        Path bundle = bundle(new ImageConfig(List.of("/bin/echo", "entrypoint"), List.of("cmd"), List.of(
                "FROM_IMAGE=yes", "OVERRIDDEN=image"), "/work", ""), request(List.of("/bin/sh", "-c",
                "echo hello; pwd; env; echo oops >&2; exit 42"), Map.of("OVERRIDDEN", "group"), 0, "group-1", null));
        Captured output = new Captured();
        assertEquals(new ContainerRuntime.Exit(42, false), run(bundle, "exit-" + UUID.randomUUID(), output));
        String out = output.out.toString();
        assertTrue(out.startsWith("hello\n/work\n"), out);
        assertTrue(out.contains("FROM_IMAGE=yes") && out.contains("OVERRIDDEN=group") && out.contains("HOSTNAME=group-1")
                && out.contains("PATH=/usr/local/sbin"), out);
        assertEquals("oops\n", output.err.toString());
    }

    @Test
    void withoutACommandTheImagesEntrypointAndCmdRun() throws Exception {
        Path bundle = bundle(new ImageConfig(List.of("/bin/echo"), List.of("from", "the", "image"), List.of(), "", ""),
                request(List.of(), Map.of(), 0, "g", null));
        Captured output = new Captured();
        assertEquals(0, run(bundle, "image-" + UUID.randomUUID(), output).code());
        assertEquals("from the image\n", output.out.toString());
    }

    @Test
    void argsReplaceOnlyTheImagesCmd() throws Exception {
        Path bundle = bundle(new ImageConfig(List.of("/bin/echo", "entry"), List.of("cmd"), List.of(), "", ""),
                new RuntimeSpec.Request(List.of(), List.of("from", "args"), Map.of(), 0, 0, "g", null, List.of(), null,
                        null));
        Captured output = new Captured();
        assertEquals(0, run(bundle, "args-" + UUID.randomUUID(), output).code());
        assertEquals("entry from args\n", output.out.toString());
    }

    @Test
    void aContainerAboveItsMemoryLimitIsKilledWith137AndReportedAsOom() throws Exception {
        String id = "oom-" + UUID.randomUUID();
        Path bundle = bundle(busybox(), new RuntimeSpec.Request(List.of("/bin/tail", "/dev/zero"), List.of(), Map.of(),
                32L * 1024 * 1024, 0.5, "oom", null, List.of(), "/" + id, null));
        assertEquals(new ContainerRuntime.Exit(137, true), run(bundle, id, new Captured()));
        // the kept container was deleted after its cgroup was read: nothing is left
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory", id)));
        assertFalse(runc.list().contains(id));
    }

    @Test
    void containersOfAGroupTalkOverLocalhostAndTheNamespaceGoesWithTheGroup() throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        GroupNetwork networks = new GroupNetwork("runctest");
        Path network = networks.create(group, GroupNetwork.SLOTS - 1, "10.88.0.0").namespace();
        Path server = bundle(busybox(), request(List.of("/bin/httpd", "-f", "-p", "127.0.0.1:8080",
                "-h", "/www"), Map.of(), 0, group, network));
        ContainerRuntime.Running web = runc.start("web-" + group, server, "/web-" + group, new Captured());
        try {
            Path client = bundle(busybox(), request(List.of("/bin/sh", "-c",
                    "for i in $(seq 1 100); do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1"),
                    Map.of(), 0, group, network));
            Captured output = new Captured();
            assertEquals(0, run(client, "client-" + group, output).code(), output.err.toString());
            assertEquals("hello from the group\n", output.out.toString());
        } finally {
            web.stop(Duration.ofSeconds(1));
            web.exit().get(30, TimeUnit.SECONDS);
            networks.delete(group);
        }
        assertFalse(networks.exists(group));
    }

    @Test
    void stopSendsTermThenKillsWhatIgnoresIt() throws Exception {
        String seconds = String.valueOf(40_000 + (int) (Math.random() * 9_999));
        Path bundle = bundle(busybox(), request(List.of("/bin/sleep", seconds), Map.of(), 0, "s", null));
        String id = "stop-" + UUID.randomUUID();
        ContainerRuntime.Running running = runc.start(id, bundle, "/" + id, new Captured());
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running("sleep " + seconds));
            long started = System.nanoTime();
            running.stop(Duration.ofSeconds(1));
            // sleep is PID 1 without a TERM handler: only the KILL after the grace ends it
            assertEquals(137, running.exit().get(30, TimeUnit.SECONDS).code());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(900));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !running("sleep " + seconds));
        } finally {
            running.stop(Duration.ZERO);
        }
    }

    /** From /proc directly: Java's process info cannot read a process in another mount namespace. */
    private static boolean running(String commandLine) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+")).anyMatch(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ')
                            .contains(commandLine);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
