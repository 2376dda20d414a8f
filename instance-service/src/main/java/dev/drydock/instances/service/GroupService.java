package dev.drydock.instances.service;

import dev.drydock.instances.domain.GroupDocument;
import dev.drydock.instances.domain.GroupSpec;
import dev.drydock.instances.domain.InstanceView;
import dev.drydock.instances.persistence.Groups;
import dev.drydock.instances.runtime.ContainerLog;
import dev.drydock.instances.runtime.ContainerRuntime;
import dev.drydock.instances.runtime.Directories;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The container groups of this host: the API's operations (create or replace, start, stop, restart, delete, logs,
 * exec) carried out on the database and the host together. Work on one group goes through that group's lane, one
 * step after the other, so a replace that overtakes a stop cannot leave two deployments running.
 */
@ApplicationScoped
public class GroupService {

    private static final Logger LOG = Logger.getLogger(GroupService.class);
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);

    /** A group for the API: its stored row and spec. */
    public record Shown(Groups.Group row, GroupSpec spec) {
    }

    private final Node node;
    private final Groups groups;
    private final Capacity capacity;
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();

    GroupService(Node node, Groups groups, Capacity capacity) {
        this.node = node;
        this.groups = groups;
        this.capacity = capacity;
    }

    /**
     * Creates or replaces a group from its ACI document and deploys it in the background (ACI's PUT is
     * asynchronous: the answer says Creating, show tells how it goes). A replaced group's containers all restart.
     *
     * @return the stored group and whether it is new
     */
    public Uni<Map.Entry<Shown, Boolean>> apply(String name, String document) {
        GroupSpec spec = GroupSpec.parse(document);
        if (!spec.name().equals(name)) {
            throw new InvalidRequestException("the document names group '" + spec.name() + "', the URL '" + name + "'");
        }
        InstanceView view = InstanceView.pending(spec);
        // refused before anything is stored: a group that does not fit is not created
        Capacity.Demand previous = capacity.admit(name, spec);
        return groups.find(name).flatMap(existing -> groups.put(name, new JsonObject(GroupDocument.render(spec, true)),
                spec.autoUpdate(), images(spec), view.toJson(), view.changed(name))
                .onFailure().invoke(() -> capacity.restore(name, previous))
                .invoke(row -> lane(name, () -> {
                    replace(spec, row.deployment(), view);
                    return null;
                }))
                .map(row -> Map.entry(new Shown(row, spec), existing.isEmpty())));
    }

    /** Starts a stopped group as a new deployment with the same spec. */
    public Uni<Shown> start(String name) {
        return redeploy(name, null);
    }

    /** Restarts every container of a running group (a new deployment of the same spec). */
    public Uni<Shown> restart(String name) {
        return redeploy(name, null);
    }

    /** A new deployment of a stored group; {@code why} becomes a group event when given. */
    public Uni<Shown> redeploy(String name, String why) {
        return find(name).flatMap(shown -> {
            Capacity.Demand previous = capacity.admit(name, shown.spec());
            InstanceView view = InstanceView.pending(shown.spec());
            if (why != null) {
                view.event(null, "Redeploying", "Normal", why);
            }
            return groups.redeploy(name, view.toJson(), view.changed(name)).onFailure()
                    .invoke(() -> capacity.restore(name, previous)).map(row -> {
                Groups.Group stored = row.orElseThrow(() -> new NotFoundException("no container group " + name));
                lane(name, () -> {
                    replace(shown.spec(), stored.deployment(), view);
                    return null;
                });
                return new Shown(stored, shown.spec());
            });
        });
    }

    /** Stops every container and frees the group's host resources; waits until that is done (ACI: synchronous). */
    public Uni<Shown> stop(String name) {
        return find(name).flatMap(shown -> Uni.createFrom().completionStage(() -> lane(name, () -> {
            Deployment current = deployments.remove(name);
            InstanceView view = current != null ? current.view() : InstanceView.fromJson(shown.row().view());
            if (current != null) {
                current.stop();
            }
            capacity.release(name);
            view.state(InstanceView.STOPPED);
            return groups.stop(name, view.toJson(), view.changed(name)).await().atMost(SAVE_TIMEOUT)
                    .map(row -> new Shown(row, shown.spec()))
                    .orElseThrow(() -> new NotFoundException("no container group " + name));
        })));
    }

    /** Stops the group and removes it with its logs and volumes; its shares stay. @return false when absent */
    public Uni<Boolean> delete(String name) {
        return Uni.createFrom().completionStage(() -> lane(name, () -> {
            Deployment current = deployments.remove(name);
            if (current != null) {
                current.stop();
            }
            capacity.release(name);
            InstanceView gone = InstanceView.fromJson(new JsonObject());
            gone.state("Deleted");
            boolean existed = groups.delete(name, gone.changed(name)).await().atMost(SAVE_TIMEOUT);
            try {
                Directories.delete(node.groupDir(name));
            } catch (IOException e) {
                LOG.warnf("group %s: its directory could not be removed: %s", name, e.getMessage());
            }
            node.dropLogs(name);
            if (existed) {
                LOG.infof("group %s deleted", name);
            }
            return existed;
        }));
    }

    public Uni<Shown> find(String name) {
        return groups.find(name).map(row -> row.map(r -> new Shown(r, GroupSpec.parse(r.document().encode())))
                .orElseThrow(() -> new NotFoundException("no container group " + name)));
    }

    public Uni<List<Shown>> list() {
        return groups.list().map(rows -> rows.stream().map(r -> new Shown(r, GroupSpec.parse(r.document().encode())))
                .toList());
    }

    /** The container's last {@code tail} lines (all when negative). */
    public Uni<List<ContainerLog.Line>> logs(String name, String container, int tail) {
        return find(name).map(shown -> {
            checkContainer(shown.spec(), container);
            try {
                return node.log(name, container).lines(tail);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** The last {@code tail} lines, then each new line as it is written, until the container's run ends. */
    public Multi<ContainerLog.Line> follow(String name, String container, int tail) {
        return find(name).onItem().transformToMulti(shown -> {
            checkContainer(shown.spec(), container);
            return Multi.createFrom().<ContainerLog.Line>emitter(emitter -> {
                try {
                    Runnable unfollow = node.log(name, container).follow(tail,
                            ContainerLog.of(emitter::emit, emitter::complete));
                    emitter.onTermination(unfollow);
                } catch (IOException e) {
                    emitter.fail(e);
                }
            });
        });
    }

    /** Runs a command with arguments in a running container. */
    public Uni<ContainerRuntime.ExecResult> exec(String name, String container, List<String> command,
            Duration timeout) {
        if (command.isEmpty()) {
            throw new InvalidRequestException("exec needs a command");
        }
        return find(name).map(shown -> {
            checkContainer(shown.spec(), container);
            Deployment deployment = deployments.get(name);
            if (deployment == null) {
                throw new ConflictException("container group " + name + " is not running");
            }
            try {
                return deployment.exec(container, command, timeout);
            } catch (IllegalStateException e) {
                throw new ConflictException(e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Refuses (404, 409) unless the group's container runs on this host now. */
    public void requireRunning(String name, String container) {
        Deployment deployment = deployments.get(name);
        if (deployment == null) {
            throw new ConflictException("container group " + name + " is not running");
        }
        checkContainer(deployment.spec(), container);
    }

    /** Starts a command on a terminal in a running container (interactive exec); blocking. */
    public Process terminal(String name, String container, List<String> command, int rows, int columns)
            throws IOException {
        Deployment deployment = deployments.get(name);
        if (deployment == null) {
            throw new ConflictException("container group " + name + " is not running");
        }
        try {
            return deployment.terminal(container, command, rows, columns);
        } catch (IllegalStateException e) {
            throw new ConflictException(e.getMessage());
        }
    }

    /** The running deployment of a group on this host, if any. */
    public Optional<Deployment> deployment(String name) {
        return Optional.ofNullable(deployments.get(name));
    }

    /** Stops every deployment at once (service shutdown); the groups stay as they are in the database. */
    public void stopAll() {
        List<CompletableFuture<Void>> stops = deployments.values().stream()
                .map(d -> CompletableFuture.runAsync(d::stop, node.workers())).toList();
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        deployments.clear();
    }

    private void replace(GroupSpec spec, long id, InstanceView view) {
        Deployment old = deployments.remove(spec.name());
        if (old != null) {
            old.stop();
        }
        Deployment next = new Deployment(node, spec, id, view, this::save);
        deployments.put(spec.name(), next);
        next.start();
    }

    /**
     * Writes a deployment's view: at once when a state changed (with its event), in the background for events
     * alone, where writes that pile up while one is running become one. One write at a time per deployment, so an
     * older snapshot never lands last.
     */
    private void save(Deployment deployment, boolean stateChanged) {
        String state = deployment.view().state();
        if ((InstanceView.SUCCEEDED.equals(state) || InstanceView.FAILED.equals(state))
                && deployments.get(deployment.spec().name()) == deployment) {
            // ended on its own: its host resources are gone, so is its hold on the node
            capacity.release(deployment.spec().name());
        }
        if (!stateChanged) {
            if (deployment.pendingSave.compareAndSet(false, true)) {
                node.workers().submit(() -> write(deployment, false));
            }
            return;
        }
        write(deployment, true);
    }

    private void write(Deployment deployment, boolean stateChanged) {
        synchronized (deployment) {
            deployment.pendingSave.set(false);
            String name = deployment.spec().name();
            try {
                groups.saveView(name, deployment.id(), deployment.provisioningState(), deployment.view().toJson(),
                        stateChanged ? deployment.view().changed(name) : null).await().atMost(SAVE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warnf("group %s: its view could not be saved: %s", name, e.getMessage());
            }
        }
    }

    private <T> CompletableFuture<T> lane(String name, Supplier<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        lanes.compute(name, (key, tail) -> (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                .handleAsync((ignored, failure) -> {
                    try {
                        result.complete(step.get());
                    } catch (RuntimeException e) {
                        LOG.warnf("group %s: %s", name, e.getMessage());
                        result.completeExceptionally(e);
                    }
                    return null;
                }, node.workers()));
        return result;
    }

    private static void checkContainer(GroupSpec spec, String container) {
        boolean known = spec.containers().stream().anyMatch(c -> c.name().equals(container))
                || spec.initContainers().stream().anyMatch(c -> c.name().equals(container));
        if (!known) {
            throw new NotFoundException("container group " + spec.name() + " has no container " + container);
        }
    }

    /** Each image as written and, for an implicit latest, with :latest too (auto-update matches either). */
    static List<String> images(GroupSpec spec) {
        java.util.Set<String> images = new java.util.LinkedHashSet<>();
        spec.containers().forEach(c -> images.add(c.image()));
        spec.initContainers().forEach(c -> images.add(c.image()));
        return List.copyOf(images);
    }
}
