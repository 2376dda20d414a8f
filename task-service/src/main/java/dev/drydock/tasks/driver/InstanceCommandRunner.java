package dev.drydock.tasks.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.domain.Step;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A cmd step as a one-shot container group in instance-service (restart policy Never): the image with the step's
 * arguments (its entrypoint kept, as {@code docker run image args}) and environment, the container's output
 * streamed into the run's log as it is written, its exit code the step's result. The group is deleted when the
 * step ends, however it ends; a cancel or a timeout deletes it at once, which stops the container.
 */
@ApplicationScoped
public class InstanceCommandRunner implements CommandRunner {

    private static final Logger LOG = Logger.getLogger(InstanceCommandRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINER = "step";
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often a step that found no room asks again (the service's Retry-After is a minute; steps are short). */
    private static final Duration CAPACITY_POLL = Duration.ofSeconds(2);

    private final TasksConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    InstanceCommandRunner(TasksConfig config) {
        this.config = config;
    }

    @Override
    public ChildProcess.Result run(Step step, String image, List<String> arguments, ImageBuilder.StepIo io) {
        String base = config.instances().url().filter(u -> !u.isBlank()).orElseThrow(() -> new StepRefusedException(
                "cmd steps run as container groups in instance-service, and drydock.tasks.instances.url is not set"));
        String group = groupName(step);
        URI groupUri = URI.create(base.replaceAll("/+$", "") + "/api/v1/containerGroups/" + group);
        Instant deadline = Instant.now().plus(io.timeout());
        try {
            String document = document(group, step, image, arguments);
            if (!create(groupUri, document, deadline, io)) {
                RunControl.Stop stop = io.control().stopped();
                return new ChildProcess.Result(-1, stop, stop == null);
            }
            CompletableFuture<Void> streamed = null;
            while (true) {
                RunControl.Stop stop = io.control().stopped();
                if (stop != null) {
                    return new ChildProcess.Result(-1, stop, false);
                }
                if (Instant.now().isAfter(deadline)) {
                    return new ChildProcess.Result(-1, null, true);
                }
                JsonNode shown = JSON.readTree(send(HttpRequest.newBuilder(groupUri).GET(), 200));
                JsonNode container = shown.path("properties").path("containers").path(0).path("properties")
                        .path("instanceView");
                String state = container.path("currentState").path("state").asText();
                if (streamed == null && (state.equals("Running") || state.equals("Terminated"))) {
                    streamed = follow(URI.create(groupUri + "/containers/" + CONTAINER + "/logs?follow=true"), io);
                }
                if ("ErrImagePull".equals(container.path("currentState").path("detailStatus").asText())) {
                    for (JsonNode event : container.path("events")) {
                        if (event.path("name").asText().equals("Failed")) {
                            io.log().accept(event.path("message").asText());
                        }
                    }
                    return new ChildProcess.Result(125, null, false);
                }
                String groupState = shown.path("properties").path("instanceView").path("state").asText();
                if (groupState.equals("Succeeded") || groupState.equals("Failed")) {
                    if (streamed != null) {
                        streamed.get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                    return new ChildProcess.Result(container.path("currentState").path("exitCode").asInt(125), null,
                            false);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ChildProcess.Result(-1, RunControl.Stop.SHUTDOWN, false);
        } catch (Exception e) {
            io.log().accept("the cmd step's container group failed: " + e.getMessage());
            return new ChildProcess.Result(125, null, false);
        } finally {
            delete(groupUri);
        }
    }

    /** Streams the container's log into the run's, line by line, until the container's run ends. */
    private CompletableFuture<Void> follow(URI logs, ImageBuilder.StepIo io) {
        return http.sendAsync(authorized(HttpRequest.newBuilder(logs)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()).thenAccept(response -> {
                    try (InputStream body = response.body();
                            BufferedReader reader = new BufferedReader(new InputStreamReader(body,
                                    StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            io.log().accept(line);
                        }
                    } catch (IOException e) {
                        LOG.debugf("following %s: %s", logs, e.getMessage());
                    }
                });
    }

    private String document(String group, Step step, String image, List<String> arguments) throws IOException {
        List<Map<String, String>> env = new ArrayList<>();
        for (String entry : step.env()) {
            int eq = entry.indexOf('=');
            env.add(Map.of("name", eq < 0 ? entry : entry.substring(0, eq), "value", eq < 0 ? "" : entry.substring(
                    eq + 1)));
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("image", image);
        if (!arguments.isEmpty()) {
            properties.put("args", arguments);
        }
        if (!env.isEmpty()) {
            properties.put("environmentVariables", env);
        }
        properties.put("resources", Map.of("requests", Map.of("cpu", config.instances().cpu(), "memoryInGB",
                config.instances().memoryInGb())));
        return JSON.writeValueAsString(Map.of("name", group, "properties", Map.of("restartPolicy", "Never",
                "containers", List.of(Map.of("name", CONTAINER, "properties", properties)))));
    }

    /** A group name of the step's own: lowercase, digits and '-', at most 63 characters. */
    static String groupName(Step step) {
        String id = step.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "cmd-" + (id.isEmpty() ? "" : id + "-");
        if (prefix.length() + suffix.length() > 63) {
            prefix = prefix.substring(0, 63 - suffix.length() - 1) + "-";
        }
        return prefix + suffix;
    }

    /**
     * Creates the step's group; while the node has no room for it (503), waits as a queued step would, until the
     * step's deadline. @return false when the deadline passed or the run stopped first
     */
    private boolean create(URI groupUri, String document, Instant deadline, ImageBuilder.StepIo io)
            throws IOException, InterruptedException {
        boolean told = false;
        while (true) {
            HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(groupUri)
                    .PUT(HttpRequest.BodyPublishers.ofString(document)).header("Content-Type", "application/json"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201 || response.statusCode() == 200) {
                return true;
            }
            if (response.statusCode() != 503) {
                throw new IOException("instance-service answered " + response.statusCode() + ": " + response.body());
            }
            if (!told) {
                io.log().accept("Waiting for room on the instance service: " + JSON.readTree(response.body())
                        .path("error").path("message").asText(response.body()));
                told = true;
            }
            long wait = Math.min(CAPACITY_POLL.toMillis(), Duration.between(Instant.now(), deadline).toMillis());
            if (wait <= 0 || io.control().stopped() != null) {
                return false;
            }
            Thread.sleep(wait);
        }
    }

    private String send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(request).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected && !(expected == 201 && response.statusCode() == 200)) {
            throw new IOException("instance-service answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private void delete(URI group) {
        try {
            http.send(authorized(HttpRequest.newBuilder(group)).DELETE().timeout(Duration.ofMinutes(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.warnf("the cmd step's group %s could not be deleted: %s", group, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        String secret = config.registry().serviceSecret().orElse("");
        if (secret.isBlank()) {
            return request;
        }
        return request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (config.registry().serviceUser() + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }
}
