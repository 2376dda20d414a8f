package dev.drydock.instances.service;

import dev.drydock.instances.domain.GroupSpec;
import dev.drydock.instances.runtime.ContainerRuntime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running container's liveness and readiness probes, as Kubernetes and ACI run them: exec runs the command in the
 * container (exit 0 passes), httpGet asks the group's address (any 2xx or 3xx passes); both after the initial
 * delay, every period, within the timeout. {@code failureThreshold} failures in a row of liveness kill the
 * container (events Unhealthy, Killing) and its restart policy decides what follows; readiness sets the container's
 * ready flag.
 */
final class Probes {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Node node;
    private final Deployment deployment;
    private final GroupSpec.Container container;
    private final String containerId;
    private final ContainerRuntime.Running process;
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    private int livenessFailures;
    private int readinessFailures;
    private int readinessSuccesses;
    private boolean ready;
    private volatile boolean killed;

    Probes(Node node, Deployment deployment, GroupSpec.Container container, String containerId,
            ContainerRuntime.Running process) {
        this.node = node;
        this.deployment = deployment;
        this.container = container;
        this.containerId = containerId;
        this.process = process;
    }

    void start() {
        if (container.readiness() != null) {
            deployment.view().ready(container.name(), false);
            schedule(container.readiness(), this::readiness);
        }
        if (container.liveness() != null) {
            schedule(container.liveness(), this::liveness);
        }
    }

    synchronized void cancel() {
        scheduled.forEach(f -> f.cancel(false));
    }

    private synchronized void schedule(GroupSpec.Probe probe, Runnable check) {
        scheduled.add(node.timers().scheduleWithFixedDelay(() -> node.workers().submit(check),
                probe.initialDelaySeconds() * 1000L, probe.periodSeconds() * 1000L, TimeUnit.MILLISECONDS));
    }

    private void liveness() {
        if (killed) {
            return;
        }
        GroupSpec.Probe probe = container.liveness();
        String failure = check(probe);
        synchronized (this) {
            if (failure == null) {
                livenessFailures = 0;
                return;
            }
            livenessFailures++;
            deployment.view().event(container.name(), "Unhealthy", "Warning", "Liveness probe failed: " + failure);
            if (livenessFailures < probe.failureThreshold()) {
                deployment.probed(false);
                return;
            }
            killed = true;
        }
        deployment.view().event(container.name(), "Killing", "Normal", "Container " + container.name()
                + " failed liveness probe, will be restarted");
        deployment.probed(false);
        cancel();
        deployment.kill(container.name(), process);
    }

    private void readiness() {
        GroupSpec.Probe probe = container.readiness();
        String failure = check(probe);
        boolean changed = false;
        synchronized (this) {
            if (failure == null) {
                readinessFailures = 0;
                if (++readinessSuccesses >= probe.successThreshold()) {
                    changed = setReady(true);
                }
            } else {
                readinessSuccesses = 0;
                deployment.view().event(container.name(), "Unhealthy", "Warning", "Readiness probe failed: " + failure);
                if (++readinessFailures >= probe.failureThreshold()) {
                    changed = setReady(false);
                }
                deployment.probed(false);
            }
        }
        if (changed) {
            deployment.probed(true);
        }
    }

    private boolean setReady(boolean value) {
        if (ready == value) {
            return false;
        }
        ready = value;
        deployment.view().ready(container.name(), value);
        return true;
    }

    /** @return null when the probe passed, else why it failed */
    private String check(GroupSpec.Probe probe) {
        Duration timeout = Duration.ofSeconds(probe.timeoutSeconds());
        try {
            if (probe.exec() != null) {
                ContainerRuntime.ExecResult result = node.runtime().exec(containerId, probe.exec(), timeout);
                if (result.timedOut()) {
                    return "command timed out after " + probe.timeoutSeconds() + " s";
                }
                return result.exitCode() == 0 ? null : "command exited with " + result.exitCode()
                        + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip());
            }
            String address = deployment.address();
            if (address == null) {
                return "the group has no address";
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(probe.scheme() + "://" + address + ":"
                    + probe.port() + (probe.path().startsWith("/") ? "" : "/") + probe.path())).timeout(timeout)
                    .GET().build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400 ? null : "HTTP probe failed with statuscode: " + status;
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
