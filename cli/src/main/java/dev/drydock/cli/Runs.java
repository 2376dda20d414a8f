package dev.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A run of the task service followed to its end: its log streamed to stdout as it is written, then one line on
 * stderr with how it ended; the exit code is 0 when it succeeded, else {@link Drydock#EXIT_UNSUCCESSFUL}.
 */
public final class Runs {

    private Runs() {
    }

    /**
     * After a run was queued: returns at once with the run printed when {@code noWait} (az's --no-wait and
     * --no-logs), else follows it.
     */
    public static int queued(Base command, JsonNode run, boolean noWait) {
        String runId = run.path("runId").asText();
        System.err.println("Queued a run with ID: " + runId);
        if (noWait) {
            command.printAs(run, dev.drydock.cli.commands.RunCommand.COLUMNS);
            return 0;
        }
        return follow(command.apiOf(), command.pathOf(""), runId);
    }

    /** Streams the run's log to its end and exits with its result. */
    public static int follow(Api api, String registryPath, String runId) {
        try (InputStream log = api.stream(Api.Service.TASKS, registryPath + "/runs/" + runId + "/logs?follow=true")) {
            log.transferTo(System.out);
            System.out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the log of run " + runId + " broke off: " + e.getMessage(), e);
        }
        JsonNode run = api.get(Api.Service.TASKS, registryPath + "/runs/" + runId);
        // when the stream broke off early, wait for the end by asking
        while (!ended(run.path("status").asText())) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException("interrupted", 130);
            }
            run = api.get(Api.Service.TASKS, registryPath + "/runs/" + runId);
        }
        String status = run.path("status").asText();
        if (status.equals("Succeeded")) {
            System.err.println("Run " + runId + " Succeeded");
            return 0;
        }
        System.err.println("Run " + runId + " " + status + (run.hasNonNull("runErrorMessage")
                ? ": " + run.get("runErrorMessage").asText() : ""));
        return Drydock.EXIT_UNSUCCESSFUL;
    }

    static boolean ended(String status) {
        return switch (status) {
            case "Succeeded", "Failed", "Canceled", "Error", "Timeout" -> true;
            default -> false;
        };
    }
}
