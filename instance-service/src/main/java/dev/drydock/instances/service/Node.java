package dev.drydock.instances.service;

import dev.drydock.instances.config.InstancesConfig;
import dev.drydock.instances.domain.GroupSpec;
import dev.drydock.instances.runtime.ContainerLog;
import dev.drydock.instances.runtime.ContainerRuntime;
import dev.drydock.instances.runtime.DaemonThreads;
import dev.drydock.instances.runtime.GroupCgroups;
import dev.drydock.instances.runtime.GroupNetwork;
import dev.drydock.sandbox.Owner;
import dev.drydock.instances.runtime.ImageStore;
import dev.drydock.instances.runtime.Runc;
import dev.drydock.instances.runtime.RuntimeSpec;
import dev.drydock.instances.runtime.SeccompProfile;
import dev.drydock.oci.ImageReference;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.sandbox.HostCommand;
import dev.drydock.sandbox.IdMap;
import dev.drydock.sandbox.SandboxUser;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * This host as the groups' supervisors use it: the runtime, the image cache, where groups and shares live, the
 * containers' logs, network slots, the threads that wait on containers and run probes, and which credentials an
 * image is pulled with.
 */
@ApplicationScoped
public class Node {

    private static final Logger LOG = Logger.getLogger(Node.class);

    private final InstancesConfig config;
    private final Vertx vertx;
    private final Path data;
    private final ContainerRuntime runtime;
    private final ImageStore images;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final BitSet slots = new BitSet(GroupNetwork.SLOTS);
    private final GroupNetwork networks;
    private final GroupCgroups cgroups;
    private final Map<String, ContainerLog> logs = new ConcurrentHashMap<>();
    private final LoginServers servers;
    private final RuntimeSpec.Isolation isolation;
    private final NodeFirewall firewall;

    Node(InstancesConfig config, Vertx vertx, NodeFirewall firewall) {
        this.config = config;
        this.vertx = vertx;
        this.firewall = firewall;
        this.data = Path.of(config.dataDir()).toAbsolutePath();
        this.networks = new GroupNetwork(Owner.of(data));
        this.cgroups = new GroupCgroups(Owner.of(data));
        this.runtime = new Runc(config.runc(), data.resolve("runc"));
        this.isolation = isolation(config.isolation(), data);
        this.servers = new LoginServers(URI.create(config.registry().url()), config.registry().domain(),
                config.registry().insecureRegistries().orElse(List.of()));
        this.images = new ImageStore(data.resolve("images"), isolation.ids(), servers);
        this.workers = Executors.newCachedThreadPool(DaemonThreads.named("group-worker"));
        this.timers = Executors.newScheduledThreadPool(2, DaemonThreads.named("group-timer"));
    }

    public InstancesConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    public ImageStore images() {
        return images;
    }

    public NodeFirewall firewall() {
        return firewall;
    }

    /** What isolates every container of this node from the host. */
    public RuntimeSpec.Isolation isolation() {
        return isolation;
    }

    /**
     * The user namespace's range (of the isolation account, created when missing), the seccomp profile and the init,
     * checked once: a node that cannot isolate containers does not start.
     */
    private static RuntimeSpec.Isolation isolation(InstancesConfig.Isolation config, Path data) {
        try {
            IdMap ids = IdMap.NONE;
            if (config.userNamespace()) {
                if (!"0".equals(HostCommand.check(List.of("id", "-u"), Duration.ofSeconds(10)).strip())) {
                    LOG.warn("not root: container groups cannot run here (runc, namespaces and mounts need root)");
                } else {
                    long[] range = SandboxUser.ensure(config.user()).subordinateRange();
                    ids = new IdMap((int) range[0], (int) Math.min(range[1], 65536));
                    // runc's init runs as container root (an unprivileged host id) and must reach bind mounts' and
                    // roots' paths through here; traversal only, no listing
                    Files.createDirectories(data.resolve("groups"));
                    Files.createDirectories(data.resolve("shares"));
                    for (Path dir : List.of(data, data.resolve("groups"), data.resolve("shares"))) {
                        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
                    }
                }
            }
            // images and runc's state are the service's alone
            for (Path dir : List.of(data.resolve("images"), data.resolve("runc"))) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Path init = Path.of(config.init());
            if (!Files.isExecutable(init)) {
                throw new IOException("no init at " + init + " (apt-get install catatonit)");
            }
            return new RuntimeSpec.Isolation(ids, config.pidsLimit(),
                    SeccompProfile.load(Path.of(config.seccompProfile()), RuntimeSpec.CAPABILITIES), init);
        } catch (IOException e) {
            throw new IllegalStateException("containers cannot be isolated on this host: " + e.getMessage(), e);
        }
    }

    public ExecutorService workers() {
        return workers;
    }

    public ScheduledExecutorService timers() {
        return timers;
    }

    /** A group's own directory: bundles, logs, volumes. */
    public Path groupDir(String group) {
        return data.resolve("groups").resolve(group);
    }

    public Path groupsDir() {
        return data.resolve("groups");
    }

    /** Where persistent shares (ACI's azureFile) live; they outlive groups. */
    public Path shares() {
        return data.resolve("shares");
    }

    public Path dataDir() {
        return data;
    }

    /** A container's log, one instance per container for the life of the service. */
    public ContainerLog log(String group, String container) throws IOException {
        try {
            return logs.computeIfAbsent(group + "/" + container, key -> {
                try {
                    return new ContainerLog(groupDir(group).resolve("logs").resolve(container + ".log"),
                            config.logMaxBytes());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Forgets a deleted group's logs. */
    public void dropLogs(String group) {
        logs.keySet().removeIf(key -> key.startsWith(group + "/"));
    }

    /** A free network slot: neither this service's nor, by its host link, another's on this host. */
    public synchronized int takeSlot() {
        int slot = slots.nextClearBit(0);
        while (slot < GroupNetwork.SLOTS && GroupNetwork.linkExists(slot)) {
            slot = slots.nextClearBit(slot + 1);
        }
        if (slot >= GroupNetwork.SLOTS) {
            throw new IllegalStateException("every network slot of " + config.subnet() + "/16 is taken");
        }
        slots.set(slot);
        return slot;
    }

    /** This service's group namespaces (named with its owner id). */
    public GroupNetwork networks() {
        return networks;
    }

    /** This service's group cgroups (under its owner id). */
    public GroupCgroups cgroups() {
        return cgroups;
    }

    public synchronized void releaseSlot(int slot) {
        slots.clear(slot);
    }

    /**
     * The credentials {@code image} is pulled with: the group's imageRegistryCredentials for its server, else this
     * service's identity when the image lives in Drydock's registry, else none (anonymous).
     */
    public RegistryClient.Credentials credentials(String image, GroupSpec spec) {
        String host = ImageReference.parse(image).host();
        for (GroupSpec.RegistryCredential c : spec.registryCredentials()) {
            if (c.server().equalsIgnoreCase(host)) {
                return new RegistryClient.Credentials(c.username(), c.password());
            }
        }
        String secret = config.registry().serviceSecret().filter(s -> !s.isBlank()).orElse(null);
        return secret != null && ours(host) ? new RegistryClient.Credentials(config.registry().serviceUser(), secret)
                : null;
    }

    /** How Drydock's registries are reached (without DNS) and which others go by plain http. */
    public LoginServers servers() {
        return servers;
    }

    /** Whether {@code host} names Drydock's registry: its URL's host, a login server under its domain, or loopback. */
    public boolean ours(String host) {
        return servers.names(host);
    }

    /** The login server of a registry of Drydock's, as images pushed to it are named. */
    public String loginServer(String registryName) {
        return servers.of(registryName);
    }

    @PreDestroy
    void close() {
        workers.shutdownNow();
        timers.shutdownNow();
    }
}
