package dev.drydock.instances.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layer)) {
            byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
            TarArchiveEntry entry = new TarArchiveEntry("bin/busybox");
            entry.setSize(busybox.length);
            entry.setMode(0100755);
            tar.putArchiveEntry(entry);
            tar.write(busybox);
            tar.closeArchiveEntry();
            for (String applet : List.of("sh", "echo", "sleep", "tail", "cat", "env", "pwd", "httpd", "wget")) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry work = new TarArchiveEntry("work/");
            tar.putArchiveEntry(work);
            tar.closeArchiveEntry();
            byte[] page = "hello from the group\n".getBytes();
            TarArchiveEntry index = new TarArchiveEntry("www/index.html");
            index.setSize(page.length);
            tar.putArchiveEntry(index);
            tar.write(page);
            tar.closeArchiveEntry();
        }
        LayerUnpacker.apply(new ByteArrayInputStream(layer.toByteArray()), rootfs);
        JSON.writeValue(bundle.resolve("config.json").toFile(), RuntimeSpec.of(image, request));
        return bundle;
    }

    private static ImageConfig busybox() {
        return new ImageConfig(List.of(), List.of("/bin/sh"), List.of("FROM_IMAGE=yes", "OVERRIDDEN=image"), "", "");
    }

    private int run(Path bundle, String id) throws Exception {
        return runc.start(id, bundle, bundle.resolve("out"), bundle.resolve("err")).exit().get(60, TimeUnit.SECONDS);
    }

    @Test
    void theExitCodeAndOutputAreTheContainersAndTheGroupsCommandReplacesTheImages() throws Exception {
        Path bundle = bundle(new ImageConfig(List.of("/bin/echo", "entrypoint"), List.of("cmd"), List.of(
                "FROM_IMAGE=yes", "OVERRIDDEN=image"), "/work", ""), new RuntimeSpec.Request(List.of("/bin/sh", "-c",
                "echo hello; pwd; env; echo oops >&2; exit 42"), Map.of("OVERRIDDEN", "group"), 0, 0, "group-1", null));
        assertEquals(42, run(bundle, "exit-" + UUID.randomUUID()));
        String out = Files.readString(bundle.resolve("out"));
        assertTrue(out.startsWith("hello\n/work\n"), out);
        assertTrue(out.contains("FROM_IMAGE=yes") && out.contains("OVERRIDDEN=group") && out.contains("HOSTNAME=group-1")
                && out.contains("PATH=/usr/local/sbin"), out);
        assertEquals("oops\n", Files.readString(bundle.resolve("err")));
    }

    @Test
    void withoutACommandTheImagesEntrypointAndCmdRun() throws Exception {
        Path bundle = bundle(new ImageConfig(List.of("/bin/echo"), List.of("from", "the", "image"), List.of(), "", ""),
                new RuntimeSpec.Request(List.of(), Map.of(), 0, 0, "g", null));
        assertEquals(0, run(bundle, "image-" + UUID.randomUUID()));
        assertEquals("from the image\n", Files.readString(bundle.resolve("out")));
    }

    @Test
    void aContainerAboveItsMemoryLimitIsKilledWith137() throws Exception {
        Path bundle = bundle(busybox(), new RuntimeSpec.Request(List.of("/bin/tail", "/dev/zero"), Map.of(),
                32L * 1024 * 1024, 0.5, "oom", null));
        assertEquals(137, run(bundle, "oom-" + UUID.randomUUID()));
    }

    @Test
    void containersOfAGroupTalkOverLocalhostAndTheNamespaceGoesWithTheGroup() throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        Path network = GroupNetwork.create(group);
        Path server = bundle(busybox(), new RuntimeSpec.Request(List.of("/bin/httpd", "-f", "-p", "127.0.0.1:8080",
                "-h", "/www"), Map.of(), 0, 0, group, network));
        ContainerRuntime.Running web = runc.start("web-" + group, server, server.resolve("out"), server.resolve("err"));
        try {
            Path client = bundle(busybox(), new RuntimeSpec.Request(List.of("/bin/sh", "-c",
                    "for i in $(seq 1 100); do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1"),
                    Map.of(), 0, 0, group, network));
            assertEquals(0, run(client, "client-" + group), Files.readString(client.resolve("err")));
            assertEquals("hello from the group\n", Files.readString(client.resolve("out")));
        } finally {
            web.stop(Duration.ofSeconds(1));
            web.exit().get(30, TimeUnit.SECONDS);
            GroupNetwork.delete(group);
        }
        assertFalse(GroupNetwork.exists(group));
    }

    @Test
    void stopSendsTermThenKillsWhatIgnoresIt() throws Exception {
        String seconds = String.valueOf(40_000 + (int) (Math.random() * 9_999));
        Path bundle = bundle(busybox(), new RuntimeSpec.Request(List.of("/bin/sleep", seconds), Map.of(), 0, 0, "s", null));
        ContainerRuntime.Running running = runc.start("stop-" + UUID.randomUUID(), bundle, bundle.resolve("out"),
                bundle.resolve("err"));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running("sleep " + seconds));
            long started = System.nanoTime();
            running.stop(Duration.ofSeconds(1));
            // sleep is PID 1 without a TERM handler: only the KILL after the grace ends it
            assertEquals(137, running.exit().get(30, TimeUnit.SECONDS));
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
