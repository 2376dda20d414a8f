package dev.drydock.faults;

import dev.drydock.devstack.KafkaLogin;
import dev.drydock.devstack.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway local stack started by the README's own {@code drydock-stack} script, on ports of its own and under a
 * home directory of its own, so nothing of another stack is touched. It knows where each program's pid is (the
 * supervisor's status file) and how to signal it.
 */
final class StackUnderTest implements AutoCloseable {

    /** The output and exit status of one {@code drydock-stack} command. */
    record Command(int status, String output) {
    }

    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

    final Path home;
    final int registryPort;
    final int tasksPort;
    final int instancesPort;
    final int postgresPort;
    final int kafkaPort;
    // HTTP/1.1: an h2c upgrade carrying a login server as Host is refused by the server's HTTP/2 side
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    /** More environment for drydock-stack: a site's settings (TwoSitesTest). */
    final Map<String, String> environment = new java.util.HashMap<>();
    /** The login server /v2 requests of {@link #send} name (a named registry); null: the default registry. */
    volatile String host;

    StackUnderTest() {
        try {
            home = Files.createTempDirectory("drydock-faults-");
            // as root PostgreSQL runs as the postgres user, which must reach its data directory
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registryPort = Ports.free();
        tasksPort = Ports.free();
        instancesPort = Ports.free();
        postgresPort = Ports.free();
        kafkaPort = freePair();
    }

    /** Kafka's controller listens on the broker's port + 1. */
    private static int freePair() {
        for (int i = 0; i < 100; i++) {
            int port = ThreadLocalRandom.current().nextInt(30000, 40000);
            if (!Ports.accepts(port) && !Ports.accepts(port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no two free neighbouring ports");
    }

    Command run(String... args) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("drydock-stack").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("DRYDOCK_HOME", home.resolve("drydock").toString());
        env.put("DRYDOCK_REGISTRY_PORT", String.valueOf(registryPort));
        env.put("DRYDOCK_TASKS_PORT", String.valueOf(tasksPort));
        env.put("DRYDOCK_INSTANCES_PORT", String.valueOf(instancesPort));
        env.put("DRYDOCK_PG_PORT", String.valueOf(postgresPort));
        env.put("DRYDOCK_KAFKA_PORT", String.valueOf(kafkaPort));
        env.put("DRYDOCK_INSTALL_CLI", "no");
        env.put("DRYDOCK_SERVICE_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        env.putAll(environment);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(6, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("drydock-stack " + String.join(" ", args) + " did not end");
            }
            return new Command(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Path drydockHome() {
        return home.resolve("drydock");
    }

    String adminPassword() {
        return read(drydockHome().resolve("registry-service/management-password"));
    }

    String adminAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString(("drydock-admin:" + adminPassword())
                .getBytes(StandardCharsets.UTF_8));
    }

    KafkaLogin kafkaAdmin() {
        return new KafkaLogin("127.0.0.1:" + kafkaPort, KafkaLogin.PLAIN, "admin",
                read(drydockHome().resolve("kafka-secrets/admin")));
    }

    String stackLog() {
        return read(drydockHome().resolve("logs/stack.log"));
    }

    /** The supervisor's line for a program: {@code registry running 1234 1 137}. */
    String status(String program) {
        return read(drydockHome().resolve("stack-status")).lines().filter(l -> l.startsWith(program + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no status for " + program));
    }

    long pid(String program) {
        String[] fields = status(program).split(" ");
        if (!"running".equals(fields[1])) {
            throw new IllegalStateException(program + " is not running: " + status(program));
        }
        return Long.parseLong(fields[2]);
    }

    /** Sends a signal to a program and, for PostgreSQL's postmaster, to every backend it started. */
    void signal(String program, String signal, boolean withChildren) {
        long pid = pid(program);
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(pid)));
        if (withChildren) {
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> command.add(String.valueOf(d.pid()))));
        }
        try {
            new ProcessBuilder(command).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    URI url(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A request as the administrator, with a 20 s timeout: a hang shows as a failure, not as a stuck suite. */
    HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url(port, path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", adminAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.header("Authorization", adminAuthorization()).timeout(Duration.ofSeconds(20))
                .build();
        return http.send(named(built), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(named(request.header("Authorization", adminAuthorization())
                .timeout(Duration.ofSeconds(20)).build()), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A data-plane request addresses {@link #host} when one is set. */
    private HttpRequest named(HttpRequest request) {
        String path = request.uri().getPath();
        return host == null || !(path.startsWith("/v2/") || path.startsWith("/acr/v1/")) ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).header("Host", host).build();
    }

    boolean ready(int port) {
        try {
            return http.send(HttpRequest.newBuilder(url(port, "/q/health/ready")).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the service on {@code port} is ready; answers how long that took. */
    Duration awaitReady(int port, Duration atMost) {
        long start = System.nanoTime();
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> ready(port));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Errors the services logged, for a failing run's report (the stack's directory is removed with it). */
    void printLoggedErrors() {
        for (String log : List.of("registry-service", "task-service", "instance-service")) {
            Path file = drydockHome().resolve("logs/" + log + ".log");
            if (Files.exists(file)) {
                read(file).lines().filter(l -> l.contains(" ERROR ")).limit(20)
                        .forEach(l -> System.out.println(log + ": " + l));
            }
        }
    }

    @Override
    public void close() {
        printLoggedErrors();
        Command down = run("down");
        if (down.status() != 0) {
            System.out.println(down.output());
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("cannot remove " + home + ": " + e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
