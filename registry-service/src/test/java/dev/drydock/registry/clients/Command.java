package dev.drydock.registry.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs a real client binary and returns its output; a non-zero exit fails the test with everything it printed. */
public final class Command {

    private Command() {
    }

    /**
     * Skips the test when the binary is missing, unless DRYDOCK_REQUIRE_CLIENTS is set (as .ci/run does), where a
     * missing client is a failure: CI must never pass by skipping them.
     */
    public static void require(String binary) {
        boolean present = List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin").stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
        if (!present && System.getenv("DRYDOCK_REQUIRE_CLIENTS") != null) {
            fail(binary + " is not installed (apt-get install -y " + binary + ")");
        }
        assumeTrue(present, binary + " is not installed; skipping its client test");
    }

    /**
     * A podman, buildah or skopeo command line with its own storage under {@code work} (vfs, so it runs anywhere
     * without touching the host's containers).
     */
    public static List<String> containers(Path work, String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "--root", work.resolve("storage").toString(),
                "--runroot", work.resolve("run").toString(), "--storage-driver", "vfs"));
        if (tool.equals("podman")) {
            command.addAll(List.of("--events-backend", "file", "--cgroup-manager", "cgroupfs"));
        }
        command.addAll(List.of(args));
        return command;
    }

    public static String run(Path workDir, String... command) {
        return run(workDir, List.of(command));
    }

    public static String run(Path workDir, List<String> command) {
        try {
            Path output = Files.createTempFile(workDir, "cmd", ".out");
            Process process = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 180 s:\n" + Files.readString(output));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
