package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Another Drydock service, started from its built jar for a test JVM that needs the real thing (the task service's
 * builds push to a real registry service). The reactor builds modules in order, so the jar exists by the time a
 * later module's tests run; alone, the module says how to build it.
 */
public final class SiblingService implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(90);

    private final SupervisedProcess process;
    private final int port;

    private SiblingService(SupervisedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param module      the module directory (registry-service, ...), found from the working directory upwards
     * @param environment the service's configuration (datasource, Kafka, secrets); the HTTP port is chosen here
     * @param logDir      where {@code <module>.log} is written
     */
    public static SiblingService start(String module, Map<String, String> environment, Path logDir) {
        Path jar = locate(module);
        int port = Ports.free();
        Map<String, String> env = new HashMap<>(environment);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-Xmx384m", "-XX:TieredStopAtLevel=1"));
        command.addAll(LocalStack.JVM_FLAGS);
        command.addAll(List.of("-jar", jar.toString()));
        Path log = logDir.resolve(module + ".log");
        SupervisedProcess process = SupervisedProcess.start(module, command, env, "TERM", log, 20);
        SiblingService service = new SiblingService(process, port);
        try {
            service.awaitReady(log);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return service;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(READY);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited while starting; its log:\n" + tail(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + process.name(), e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(process.name() + " was not ready within " + READY + "; its log:\n"
                        + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + process.name(), e);
            }
        }
    }

    private static Path locate(String module) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve(module))) {
                break;
            }
        }
        throw new IllegalStateException(module + " is not built: run ./mvnw -B package -DskipTests -pl " + module
                + " -am (the full build does it before this module's tests)");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
