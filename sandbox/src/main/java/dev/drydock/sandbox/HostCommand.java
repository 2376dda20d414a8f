package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A host tool (ip, mount, git, cp) run to its end, with its combined output. */
public record HostCommand(int exitCode, String output) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Runs {@code command}; a command that outlives {@code timeout} is killed and reported as exit -1. */
    public static HostCommand run(List<String> command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new HostCommand(-1, output);
            }
            return new HostCommand(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command.get(0), e);
        }
    }

    /**
     * Gives the tree at {@code path} to {@code uid:gid}: symbolic links are changed themselves, never followed, so a
     * link planted in the tree cannot hand a host file over.
     */
    public static void chownTree(Path path, int uid, int gid, Duration timeout) throws IOException {
        check(List.of("chown", "-R", "-h", "-P", uid + ":" + gid, path.toString()), timeout);
    }

    /** Runs {@code command}. @return its output @throws IOException when it fails */
    public static String check(List<String> command, Duration timeout) throws IOException {
        HostCommand result = run(command, timeout);
        if (!result.ok()) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output().strip());
        }
        return result.output();
    }
}
