package dev.drydock.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The promise behind every test run: killing the JVM that started the servers, even with SIGKILL, ends them. */
class SupervisionTest {

    @TempDir
    Path home;

    @Test
    void killingTheOwnerWithSigkillLeavesNoPostgresOrKafkaBehind() throws Exception {
        Process owner = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.util.logging.manager=" + System.getProperty("java.util.logging.manager", ""),
                "-cp", System.getProperty("java.class.path"), HoldInfrastructure.class.getName(), home.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            String ready = readyLine(owner);
            String[] parts = ready.split(" ");
            long postgres = Long.parseLong(parts[1]);
            long kafka = Long.parseLong(parts[2]);
            assertTrue(running(postgres) && running(kafka), "both servers run before the kill");

            Runtime.getRuntime().exec(new String[] {"kill", "-9", String.valueOf(owner.pid())}).waitFor();
            assertTrue(owner.waitFor(10, TimeUnit.SECONDS));

            await().atMost(Duration.ofSeconds(30)).until(() -> !running(postgres) && !running(kafka));
            assertFalse(running(postgres));
        } finally {
            owner.destroyForcibly();
        }
    }

    private static String readyLine(Process owner) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return line;
            }
        }
        assertNotNull(line, "the owner JVM exited before its servers were ready");
        return line;
    }

    /** A zombie (exited, not yet reaped by an init that never reaps) counts as gone: it holds no resources. */
    static boolean running(long pid) {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        try {
            String content = Files.readString(stat);
            char state = content.charAt(content.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
