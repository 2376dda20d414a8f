package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's docker-registry (CNCF Distribution) on 127.0.0.1 with htpasswd authentication: a real upstream for the
 * artifact cache. Its access log goes to a file, so that tests count what reached it; it can be stopped and started
 * again on the same port and storage, as an upstream outage looks.
 */
public final class UpstreamRegistry implements AutoCloseable {

    public static final String USER = "upstream";
    public static final String PASSWORD = "upstream-secret";
    /** bcrypt of {@link #PASSWORD}: Distribution's htpasswd takes nothing else, and no htpasswd tool is needed. */
    private static final String HTPASSWD = USER + ":$2b$12$xLL2oy5fH1CsSV1QwByrSutF6315u32DAlZWY.9RkuxZVsknGNW8O\n";
    private static final Pattern REQUEST = Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\" (\\d{3})");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** One request in the access log. */
    public record Request(String method, String path, int status) {
    }

    private final Path home;
    private final int port;
    private Process process;

    private UpstreamRegistry(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    public static UpstreamRegistry start() {
        try {
            Path home = Files.createTempDirectory("drydock-upstream-");
            int port = Ports.free();
            Files.writeString(home.resolve("htpasswd"), HTPASSWD);
            Files.writeString(home.resolve("config.yml"), """
                    version: 0.1
                    log:
                      level: warn
                      formatter: text
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    auth:
                      htpasswd:
                        realm: upstream
                        path: %s
                    """.formatted(home.resolve("data"), port, home.resolve("htpasswd")));
            UpstreamRegistry registry = new UpstreamRegistry(home, port);
            registry.resume();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start docker-registry (apt-get install docker-registry)", e);
        }
    }

    /** {@code 127.0.0.1:port}: the login server rules and credential sets name. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://" + address();
    }

    /** Starts it again after {@link #stop()}, on the same port and storage. */
    public void resume() throws IOException {
        process = new ProcessBuilder("docker-registry", "serve", home.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("access.log").toFile())).start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Ports.accepts(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("docker-registry did not listen on " + port + ":\n"
                        + Files.readString(home.resolve("access.log")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the process; its storage stays for {@link #resume()}. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Every request the registry logged so far, oldest first. */
    public List<Request> requests() {
        try {
            Path log = home.resolve("access.log");
            return Files.readAllLines(log).stream().map(REQUEST::matcher).filter(Matcher::find)
                    .map(m -> new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3)))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        Directories.deleteRecursively(home);
    }
}
