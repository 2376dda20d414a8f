package dev.drydock.devstack;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/** A Git repository served by a real {@code git daemon} on 127.0.0.1, as a source for runs. */
public final class GitServer implements AutoCloseable {

    private final Path root;
    private final Process daemon;
    private final int port;

    private GitServer(Path root, Process daemon, int port) {
        this.root = root;
        this.daemon = daemon;
        this.port = port;
    }

    public static GitServer start(Path root) {
        int port = Ports.free();
        try {
            Process daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                    "--port=" + port, "--base-path=" + root, root.toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("daemon.log").toFile()).start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Ports.accepts(port) || !daemon.isAlive());
            if (!daemon.isAlive()) {
                throw new IllegalStateException("git daemon exited: " + Files.readString(root.resolve("daemon.log")));
            }
            return new GitServer(root, daemon, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates {@code name}.git with the files committed on {@code branch}; a name ending in "@link" becomes a
     * symbolic link (without the suffix) to the text. @return the commit's id
     */
    public String repository(String name, String branch, Map<String, String> files) {
        Path work = root.resolve(name + "-work");
        git(root, "init", "--quiet", "-b", branch, work.toString());
        commitIn(work, files);
        git(root, "clone", "--quiet", "--bare", work.toString(), root.resolve(name + ".git").toString());
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** Commits {@code files} on top of repository {@code name}'s branch and pushes it. @return the commit's id */
    public String commit(String name, Map<String, String> files) {
        Path work = root.resolve(name + "-work");
        commitIn(work, files);
        git(work, "push", "--quiet", root.resolve(name + ".git").toString(), "HEAD");
        return git(work, "rev-parse", "HEAD").strip();
    }

    private static void commitIn(Path work, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                boolean link = file.getKey().endsWith("@link");
                Path path = work.resolve(file.getKey().replace("@link", ""));
                Files.createDirectories(path.getParent());
                if (link) {
                    Files.createSymbolicLink(path, Path.of(file.getValue()));
                } else {
                    Files.writeString(path, file.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(work, "add", ".");
        git(work, "-c", "user.name=Drydock Test", "-c", "user.email=test@drydock.invalid", "commit", "--quiet",
                "-m", "context");
    }

    public String url(String name) {
        return "git://127.0.0.1:" + port + "/" + name + ".git";
    }

    @Override
    public void close() {
        daemon.descendants().forEach(ProcessHandle::destroy);
        daemon.destroy();
        try {
            daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String git(Path dir, String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
