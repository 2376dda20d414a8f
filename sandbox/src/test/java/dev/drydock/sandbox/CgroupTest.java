package dev.drydock.sandbox;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real cgroups of this host (as root): limits written, processes kept inside, everything killed and removed. */
class CgroupTest {

    private static final String PARENT = "drydock-sandbox-test-" + ProcessHandle.current().pid();

    @BeforeAll
    static void root() {
        assumeTrue(Cgroup.available() || System.getenv("DRYDOCK_REQUIRE_CLIENTS") != null,
                "cgroups need root (CI requires them)");
    }

    @Test
    void limitsAreWrittenAndAWrappedCommandStartsInside() throws Exception {
        Cgroup cgroup = Cgroup.create(PARENT + "/limits", new Cgroup.Limits(1.5, 256L << 20, 64));
        try {
            if (Files.isDirectory(Cgroup.ROOT.resolve("pids"))) {
                assertEquals("150000", read("cpu", "limits", "cpu.cfs_quota_us"));
                assertEquals(String.valueOf(256L << 20), read("memory", "limits", "memory.limit_in_bytes"));
                assertEquals("64", read("pids", "limits", "pids.max"));
            } else {
                assertEquals("64", Files.readString(Cgroup.ROOT.resolve(PARENT + "/limits/pids.max")).strip());
            }
            Process process = new ProcessBuilder(cgroup.wrap(List.of("sleep", "6163"))).start();
            awaitMember(cgroup, process.pid());
            // a daemonised grandchild is still inside: membership is inherited, whatever the process does
            Process daemon = new ProcessBuilder(cgroup.wrap(List.of("setsid", "-f", "sleep", "6167"))).start();
            daemon.waitFor();
            assertEquals(2, cgroup.processes().size(), "both sleepers are in the cgroup: " + cgroup.processes());
            assertTrue(cgroup.kill(Duration.ofSeconds(10)));
            assertTrue(cgroup.processes().isEmpty());
            assertFalse(process.isAlive());
        } finally {
            cgroup.kill(Duration.ofSeconds(10));
            cgroup.remove();
        }
        assertFalse(Files.exists(Cgroup.ROOT.resolve("pids").resolve(PARENT)), "the emptied parent goes too");
        assertFalse(Files.exists(Cgroup.ROOT.resolve(PARENT)));
    }

    @Test
    void theWrapperRefusesToRunOutsideWhenItCannotJoin() throws Exception {
        Cgroup cgroup = Cgroup.create(PARENT + "/gone", new Cgroup.Limits(0, 64L << 20, 16));
        cgroup.remove();
        Process process = new ProcessBuilder(cgroup.wrap(List.of("echo", "ran-outside"))).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(125, process.waitFor());
        assertFalse(output.contains("ran-outside"), output);
    }

    @Test
    void pathsThatLeaveTheParentAreRefused() {
        for (String path : List.of("../escape", "a/../../b", "/absolute", "a b")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Cgroup.create(path, new Cgroup.Limits(1, 1 << 20, 1)), path);
        }
    }

    private static String read(String controller, String child, String file) throws IOException {
        return Files.readString(Cgroup.ROOT.resolve(controller).resolve(PARENT).resolve(child).resolve(file)).strip();
    }

    private static void awaitMember(Cgroup cgroup, long pid) throws Exception {
        for (int i = 0; i < 200 && !cgroup.processes().contains(pid); i++) {
            Thread.sleep(10);
        }
        assertTrue(cgroup.processes().contains(pid), "pid " + pid + " in " + cgroup.processes());
    }
}
