package dev.drydock.instances.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.instances.domain.GroupSpec;
import dev.drydock.instances.domain.InstanceView;
import dev.drydock.instances.runtime.ContainerLog;
import dev.drydock.instances.runtime.ContainerRoot;
import dev.drydock.instances.runtime.ContainerRuntime;
import dev.drydock.instances.runtime.Directories;
import dev.drydock.instances.runtime.GroupVolumes;
import dev.drydock.instances.runtime.HostileLayerException;
import dev.drydock.instances.runtime.ImageStore;
import dev.drydock.instances.runtime.PortPublisher;
import dev.drydock.instances.runtime.RuntimeSpec;
import dev.drydock.oci.client.RegistryClientException;
import dev.drydock.sandbox.IdMap;
import dev.drydock.sandbox.VethNamespace;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One deployment of a container group on this host, from its network to its last container, as ACI runs it:
 * network namespace and address, volumes and published ports first (group Pending), every image pulled with its
 * digests checked, init containers one after the other to success, then the containers, each supervised by its own
 * loop that restarts it as the restart policy says with exponential back-off, probes that kill a container whose
 * liveness fails, and a teardown that leaves nothing behind. Every change is written to the instance view and
 * handed to the {@link Listener}.
 */
public final class Deployment {

    private static final Logger LOG = Logger.getLogger(Deployment.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GIB = 1024L * 1024 * 1024;

    /** Hears every change of the view; {@code stateChanged} when a container's or the group's state moved. */
    public interface Listener {
        void changed(Deployment deployment, boolean stateChanged);
    }

    private final Node node;
    private final GroupSpec spec;
    private final long id;
    private final InstanceView view;
    private final Listener listener;
    private final Path dir;
    private final Object lock = new Object();
    private final Map<String, ContainerRuntime.Running> running = new ConcurrentHashMap<>();
    private final Map<String, ImageStore.Image> images = new HashMap<>();
    private final List<Future<?>> loops = new ArrayList<>();
    private final Map<String, ContainerRuntime.Exit> finished = new LinkedHashMap<>();
    /** An event-only write of the view is scheduled and has not started (see GroupService#save). */
    final AtomicBoolean pendingSave = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile String provisioningState = "Creating";
    private Future<?> setup;
    private VethNamespace.Network network;
    private int slot = -1;
    private PortPublisher ports;
    private Map<String, Path> volumes = Map.of();
    private boolean tornDown;

    public Deployment(Node node, GroupSpec spec, long id, InstanceView view, Listener listener) {
        this.node = node;
        this.spec = spec;
        this.id = id;
        this.view = view;
        this.listener = listener;
        this.dir = node.groupDir(spec.name());
    }

    public long id() {
        return id;
    }

    public GroupSpec spec() {
        return spec;
    }

    public InstanceView view() {
        return view;
    }

    public String provisioningState() {
        return provisioningState;
    }

    /** Deploys in the background. */
    public void start() {
        setup = node.workers().submit(this::deploy);
    }

    private void deploy() {
        try {
            node.firewall().requireActive();
            Files.createDirectories(dir);
            IdMap ids = node.isolation().ids();
            if (ids.maps()) {
                // only container root (and host root) may enter: bundles with secure values, volumes, logs
                Files.setAttribute(dir, "unix:uid", ids.host(0));
                Files.setAttribute(dir, "unix:gid", ids.host(0));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            slot = node.takeSlot();
            network = node.networks().create(spec.name(), slot, node.config().subnet(), ids);
            view.address(network.address());
            Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
                    + network.address() + "\t" + spec.name() + "\n");
            node.cgroups().create(spec.name(), spec.containers().stream().mapToDouble(c -> c.requests().cpu()).sum(),
                    (long) (spec.containers().stream().mapToDouble(c -> c.requests().memoryInGB()).sum() * GIB));
        } catch (IOException | RuntimeException e) {
            fail("FailedCreate", "the group's network could not be set up: " + e.getMessage());
            return;
        }
        try {
            volumes = GroupVolumes.prepare(spec.volumes(), dir, node.shares(), node.isolation().ids());
        } catch (IOException | RuntimeException e) {
            fail("FailedMount", e.getMessage());
            return;
        }
        try {
            ports = PortPublisher.publish(node.vertx(), node.config().publishAddress(), network.address(),
                    spec.publicPorts().stream().filter(p -> p.protocol().equals("TCP")).map(GroupSpec.Port::port)
                            .toList());
            node.firewall().publish(ports.ports());
        } catch (IOException e) {
            fail("FailedPublish", e.getMessage());
            return;
        }
        for (GroupSpec.Container c : all()) {
            if (!pull(c)) {
                return;
            }
        }
        for (GroupSpec.Container c : spec.initContainers()) {
            if (!runInit(c)) {
                return;
            }
        }
        synchronized (lock) {
            if (stopping) {
                return;
            }
            view.state(InstanceView.RUNNING);
            provisioningState = "Succeeded";
            for (GroupSpec.Container c : spec.containers()) {
                loops.add(node.workers().submit(() -> supervise(c)));
            }
        }
        LOG.infof("group %s: deployment %d running %d container(s) at %s", spec.name(), id, spec.containers().size(),
                network.address());
        listener.changed(this, true);
    }

    /**
     * Pulls a container's image. A refusal (no such image or tag, access denied, a malformed reference) fails the
     * group at once, as ACI fails a deployment with InaccessibleImage; a passing fault (the registry unreachable,
     * throttling, a server error) is retried with back-off (ACI: BackOff) until the pull deadline.
     */
    private boolean pull(GroupSpec.Container c) {
        Duration delay = node.config().backoffInitial();
        Instant deadline = Instant.now().plus(node.config().pullDeadline());
        while (!stopping) {
            ImageStore.Image image = images.get(c.image());
            if (image != null) {
                view.imageDigest(c.name(), image.manifest().toString());
                return true;
            }
            view.event(c.name(), "Pulling", "Normal", "pulling image \"" + c.image() + "\"");
            listener.changed(this, false);
            try {
                image = node.images().pull(c.image(), node.credentials(c.image(), spec));
                images.put(c.image(), image);
                view.imageDigest(c.name(), image.manifest().toString());
                view.event(c.name(), "Pulled", "Normal", "Successfully pulled image \"" + c.image() + "\"");
                listener.changed(this, false);
                return true;
            } catch (IOException | RuntimeException e) {
                view.event(c.name(), "Failed", "Warning", "Failed to pull image \"" + c.image() + "\": "
                        + e.getMessage());
                view.container(c.name(), InstanceView.State.waiting("ErrImagePull"));
                if (refused(e) || Instant.now().plus(delay).isAfter(deadline)) {
                    fail("InaccessibleImage", "the image '" + c.image() + "' of container '" + c.name()
                            + "' cannot be pulled: " + e.getMessage());
                    return false;
                }
                LOG.warnf("group %s: pulling %s failed, retrying in %s: %s", spec.name(), c.image(), delay,
                        e.getMessage());
                view.event(c.name(), "BackOff", "Normal", "Back-off pulling image \"" + c.image() + "\"");
                listener.changed(this, true);
                if (!pause(delay)) {
                    return false;
                }
                delay = next(delay);
            }
        }
        return false;
    }

    /** Whether a pull failed because the registry said no (or the reference is wrong), which retrying cannot change. */
    private static boolean refused(Exception e) {
        if (e instanceof RegistryClientException r) {
            return r.status() == 400 || r.status() == 401 || r.status() == 403 || r.status() == 404;
        }
        return e instanceof IllegalArgumentException || e instanceof HostileLayerException
                || e instanceof ImageStore.UnusableImageException;
    }

    /** An init container to success; OnFailure retries it (group policy Always or OnFailure), Never fails the group. */
    private boolean runInit(GroupSpec.Container c) {
        Duration delay = node.config().backoffInitial();
        while (!stopping) {
            ContainerRuntime.Exit exit = runOnce(c);
            if (exit == null || stopping) {
                return false;
            }
            if (exit.code() == 0) {
                return true;
            }
            if (spec.restartPolicy() == GroupSpec.RestartPolicy.Never) {
                LOG.infof("group %s: init container %s failed with %d; the group failed", spec.name(), c.name(),
                        exit.code());
                finish(InstanceView.FAILED);
                return false;
            }
            backOff(c, delay);
            if (!pause(delay)) {
                return false;
            }
            view.restarted(c.name());
            delay = next(delay);
        }
        return false;
    }

    /** A container's life under the group's restart policy. */
    private void supervise(GroupSpec.Container c) {
        Duration delay = node.config().backoffInitial();
        ContainerRuntime.Exit exit = null;
        while (!stopping) {
            Instant started = Instant.now();
            exit = runOnce(c);
            if (exit == null || stopping) {
                return;
            }
            boolean again = switch (spec.restartPolicy()) {
                case Always -> true;
                case OnFailure -> exit.code() != 0;
                case Never -> false;
            };
            if (!again) {
                break;
            }
            // a container that ran well for a while starts its back-off again from the beginning
            if (Duration.between(started, Instant.now()).compareTo(node.config().backoffMax().multipliedBy(2)) > 0) {
                delay = node.config().backoffInitial();
            }
            backOff(c, delay);
            if (!pause(delay)) {
                return;
            }
            view.restarted(c.name());
            delay = next(delay);
        }
        if (exit == null) {
            return;
        }
        boolean last;
        synchronized (lock) {
            finished.put(c.name(), exit);
            last = finished.size() == spec.containers().size();
        }
        if (last) {
            boolean failed = finished.values().stream().anyMatch(e -> e.code() != 0);
            finish(failed ? InstanceView.FAILED : InstanceView.SUCCEEDED);
        }
    }

    /** Runs a container once: a fresh root, its config, runc, probes; its end recorded. Null when the group stops. */
    private ContainerRuntime.Exit runOnce(GroupSpec.Container c) {
        String containerId = containerId(spec.name(), c.name());
        Path bundle = dir.resolve("containers").resolve(c.name());
        ContainerLog log;
        ContainerRuntime.Running process;
        Instant startTime;
        Probes probes = null;
        try {
            ContainerRoot.release(bundle);
            Directories.delete(bundle);
            Files.createDirectories(bundle);
            ImageStore.Image image = images.get(c.image());
            ContainerRoot.prepare(image.rootfs(), bundle, node.config().overlay(), node.isolation().ids());
            Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(RuntimeSpec.of(image.config(),
                    request(c), node.isolation())));
            log = node.log(spec.name(), c.name());
            view.event(c.name(), "Created", "Normal", "Created container");
            synchronized (lock) {
                if (stopping) {
                    ContainerRoot.release(bundle);
                    return null;
                }
                startTime = Instant.now();
                log.started();
                process = node.runtime().start(containerId, bundle, node.cgroups().path(spec.name(), c.name()), log);
                running.put(c.name(), process);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("group %s: container %s could not start: %s", spec.name(), c.name(), e.getMessage());
            view.event(c.name(), "Failed", "Warning", "Error: " + e.getMessage());
            view.container(c.name(), new InstanceView.State(InstanceView.TERMINATED, Instant.now(), Instant.now(),
                    128, "StartError: " + e.getMessage()));
            listener.changed(this, true);
            try {
                ContainerRoot.release(bundle);
            } catch (IOException suppressed) {
                LOG.debugf("release after a failed start: %s", suppressed.getMessage());
            }
            return new ContainerRuntime.Exit(128, false);
        }
        view.event(c.name(), "Started", "Normal", "Started container");
        view.container(c.name(), new InstanceView.State(InstanceView.RUNNING, startTime, null, null, ""));
        listener.changed(this, true);
        if (c.liveness() != null || c.readiness() != null) {
            probes = new Probes(node, this, c, containerId, process);
            probes.start();
        }
        ContainerRuntime.Exit exit = process.exit().join();
        if (probes != null) {
            probes.cancel();
        }
        running.remove(c.name());
        log.ended();
        try {
            ContainerRoot.release(bundle);
        } catch (IOException e) {
            LOG.warnf("group %s: the root of %s could not be released: %s", spec.name(), c.name(), e.getMessage());
        }
        String detail = exit.oomKilled() ? "OOMKilled" : exit.code() == 0 ? "Completed" : "Error";
        if (exit.oomKilled()) {
            view.event(c.name(), "OOMKilled", "Warning", "the container exceeded its memory limit and was killed");
        }
        view.container(c.name(), new InstanceView.State(InstanceView.TERMINATED, startTime, Instant.now(),
                exit.code(), detail));
        LOG.infof("group %s: container %s ended with %d%s", spec.name(), c.name(), exit.code(),
                exit.oomKilled() ? " (OOM killed)" : "");
        listener.changed(this, true);
        return exit;
    }

    private RuntimeSpec.Request request(GroupSpec.Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.env().forEach(e -> env.put(e.name(), e.value()));
        List<RuntimeSpec.BindMount> mounts = new ArrayList<>();
        mounts.add(new RuntimeSpec.BindMount(dir.resolve("hosts"), "/etc/hosts", true));
        for (GroupSpec.Mount m : c.mounts()) {
            GroupSpec.Volume volume = spec.volumes().stream().filter(v -> v.name().equals(m.volume())).findFirst()
                    .orElseThrow();
            mounts.add(new RuntimeSpec.BindMount(volumes.get(m.volume()), m.path(), m.readOnly() || volume.readOnly()));
        }
        GroupSpec.Resources limits = c.limits() != null ? c.limits() : c.requests();
        long memory = limits == null ? 0 : (long) (limits.memoryInGB() * GIB);
        double cpus = limits == null ? 0 : limits.cpu();
        return new RuntimeSpec.Request(c.command(), c.args(), env, memory, cpus, spec.name(), network.namespace(),
                mounts, node.cgroups().path(spec.name(), c.name()), network.userNamespace());
    }

    /** Runs a command in a running container. */
    public ContainerRuntime.ExecResult exec(String container, List<String> command, Duration timeout)
            throws IOException {
        if (!running.containsKey(container)) {
            throw new IllegalStateException("container " + container + " is not running");
        }
        return node.runtime().exec(containerId(spec.name(), container), command, timeout);
    }

    /** Starts a command on a terminal in a running container (interactive exec). */
    public Process terminal(String container, List<String> command, int rows, int columns) throws IOException {
        if (!running.containsKey(container)) {
            throw new IllegalStateException("container " + container + " is not running");
        }
        return node.runtime().terminal(containerId(spec.name(), container), command, rows, columns);
    }

    /** The group's address, while it has one. */
    public String address() {
        return network == null ? null : network.address();
    }

    /** Kills a container (a failed liveness probe); its loop restarts it as the policy says. */
    void kill(String container, ContainerRuntime.Running process) {
        node.workers().submit(() -> process.stop(node.config().stopGrace()));
    }

    /** Publishes a probe's view change. */
    void probed(boolean stateChanged) {
        listener.changed(this, stateChanged);
    }

    /** Ends the deployment: containers stopped (TERM, then KILL after the grace), everything on the host removed. */
    public void stop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        List<Future<?>> stops = new ArrayList<>();
        running.values().forEach(r -> stops.add(node.workers().submit(() -> r.stop(node.config().stopGrace()))));
        await(stops);
        if (setup != null) {
            await(List.of(setup));
        }
        List<Future<?>> all;
        synchronized (lock) {
            all = new ArrayList<>(loops);
        }
        await(all);
        teardown();
    }

    /** The group ended on its own (Succeeded or Failed): its host resources go, its view and logs stay. */
    private void finish(String state) {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            view.state(state);
        }
        LOG.infof("group %s: %s", spec.name(), state);
        teardown();
        listener.changed(this, true);
    }

    private void fail(String event, String message) {
        LOG.warnf("group %s: %s: %s", spec.name(), event, message);
        view.event(null, event, "Warning", message);
        provisioningState = "Failed";
        finish(InstanceView.FAILED);
    }

    private synchronized void teardown() {
        if (tornDown) {
            return;
        }
        tornDown = true;
        if (ports != null) {
            node.firewall().unpublish(ports.ports());
            ports.close();
        }
        try {
            GroupVolumes.release(dir);
        } catch (IOException e) {
            LOG.warnf("group %s: volumes: %s", spec.name(), e.getMessage());
        }
        try {
            node.networks().delete(spec.name());
        } catch (IOException e) {
            LOG.warnf("group %s: network: %s", spec.name(), e.getMessage());
        }
        if (slot >= 0) {
            node.releaseSlot(slot);
        }
        try {
            node.cgroups().remove(spec.name());
        } catch (IOException e) {
            LOG.warnf("group %s: cgroups: %s", spec.name(), e.getMessage());
        }
        try {
            Directories.delete(dir.resolve("containers"));
        } catch (IOException e) {
            LOG.warnf("group %s: bundles: %s", spec.name(), e.getMessage());
        }
    }

    private void backOff(GroupSpec.Container c, Duration delay) {
        view.container(c.name(), InstanceView.State.waiting("CrashLoopBackOff"));
        view.event(c.name(), "BackOff", "Warning", "Back-off restarting failed container");
        LOG.infof("group %s: container %s restarts in %d s", spec.name(), c.name(), delay.toSeconds());
        listener.changed(this, true);
    }

    /** Waits {@code delay} unless the group stops first. @return false when it stopped */
    private boolean pause(Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        synchronized (lock) {
            while (!stopping) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private Duration next(Duration delay) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(node.config().backoffMax()) > 0 ? node.config().backoffMax() : doubled;
    }

    private List<GroupSpec.Container> all() {
        List<GroupSpec.Container> all = new ArrayList<>(spec.initContainers());
        all.addAll(spec.containers());
        return all;
    }

    /** runc's id of a container: group names have no '_', so the split is unambiguous. */
    public static String containerId(String group, String container) {
        return group + "_" + container;
    }

    private static void await(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            try {
                f.get(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.debugf("waiting for a group's work: %s", e.getMessage());
            }
        }
    }
}
