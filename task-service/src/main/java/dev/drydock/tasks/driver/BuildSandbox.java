package dev.drydock.tasks.driver;

import dev.drydock.sandbox.Cgroup;
import dev.drydock.sandbox.Firewall;
import dev.drydock.sandbox.HostCommand;
import dev.drydock.sandbox.Owner;
import dev.drydock.sandbox.SandboxUser;
import dev.drydock.sandbox.VethNamespace;
import dev.drydock.tasks.config.TasksConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where builds' untrusted code runs (decision 0009). Every build step gets a sandbox: buildah runs as an unprivileged
 * account (rootless: a RUN's root is that account, the rest of its ids are subordinate ones no host file belongs to),
 * with OCI isolation (runc: pivot_root, its own PID namespace, seccomp), inside a network namespace of its own whose
 * only way out is a veth pair this service routes to the outside world and firewalls off from the host and from
 * other sandboxes, inside a cgroup with the run's CPUs and memory and pids limits that is killed as a whole when the
 * step ends. Pulls and pushes run as the same account in the host's network, where Drydock's registry is; no RUN runs
 * there.
 */
@ApplicationScoped
public class BuildSandbox {

    private static final Logger LOG = Logger.getLogger(BuildSandbox.class);
    /** Host ends of sandboxes' veth pairs; host-wide names, so one taken by another service is skipped. */
    static final String LINK_PREFIX = VethNamespace.BUILD_LINKS;
    static final String CGROUP_PARENT = "drydock-builds";
    private static final Duration KILL = Duration.ofSeconds(10);
    private static final Duration QUICK = Duration.ofSeconds(60);
    /** The build account's own directories under the sandbox's home. */
    private static final List<String> ACCOUNT_DIRS = List.of("storage", "run", "home", "tmp");
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final TasksConfig.Sandbox config;
    private final Path data;
    private final Path home;
    private final String instance;
    private final BitSet slots = new BitSet(VethNamespace.SLOTS);
    private volatile SandboxUser user;

    BuildSandbox(TasksConfig config) {
        this.config = config.sandbox();
        this.data = Path.of(config.dataDir()).toAbsolutePath();
        this.home = data.resolve("sandbox");
        this.instance = Owner.of(data);
    }

    /** Before the run workers start (priority 1), so no build can find the sandbox unready. */
    void start(@Observes @Priority(1) StartupEvent event) throws IOException {
        for (String dir : ACCOUNT_DIRS) {
            Path path = Files.createDirectories(home.resolve(dir));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        }
        if (!config.enabled()) {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            LOG.warn("builds are not sandboxed (drydock.tasks.sandbox.enabled=false): a build's RUN runs with this"
                    + " service's privileges; only for a machine where every build is trusted");
            return;
        }
        if (!Cgroup.available() || !Firewall.available()) {
            throw new IllegalStateException("builds run in a sandbox, which needs root, cgroups and nftables (nft);"
                    + " run the task service as root with nft installed, or set drydock.tasks.sandbox.enabled=false"
                    + " where every build is trusted");
        }
        for (Path dir = data.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("the build account " + config.user() + " cannot reach " + data
                        + " because " + dir + " is closed to other users; chmod o+x " + dir
                        + " (traversal only, not listing) or move drydock.tasks.data-dir");
            }
        }
        user = SandboxUser.ensure(config.user());
        // the account reaches its own directories through the data directory without listing it
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        // the directories only: what is inside the account made itself (a recursive chown of a large store at
        // every start would cost minutes)
        List<String> chown = new ArrayList<>(List.of("chown", user.uid() + ":" + user.gid()));
        ACCOUNT_DIRS.forEach(dir -> chown.add(home.resolve(dir).toString()));
        HostCommand.check(chown, QUICK);
        clearLeftovers();
        Firewall.apply(table(), rules());
        Firewall.enableForwarding();
        LOG.infof("builds run sandboxed as %s (uid %d) in networks of %s/16, firewall table inet %s", user.name(),
                user.uid(), config.subnet(), table());
    }

    void stop(@Observes ShutdownEvent event) {
        if (user == null) {
            return;
        }
        try {
            clearLeftovers();
            Firewall.remove(table());
        } catch (IOException e) {
            LOG.warnf("the builds' firewall table %s could not be removed: %s", table(), e.getMessage());
        }
    }

    /** Whether builds run sandboxed (decided by configuration, so a sandbox not set up yet fails closed). */
    public boolean enabled() {
        return config.enabled();
    }

    /** The build account; fails closed while a configured sandbox is not set up yet. */
    private SandboxUser user() {
        SandboxUser current = user;
        if (current == null && config.enabled()) {
            throw new IllegalStateException("the build sandbox is not set up yet");
        }
        return current;
    }

    /** Buildah's storage, owned by the build account. */
    public Path storage() {
        return home.resolve("storage");
    }

    public Path runRoot() {
        return home.resolve("run");
    }

    /** The build account's temporary files. */
    public Path tmp() {
        return home.resolve("tmp");
    }

    /** A directory for one build's secret files, readable by the build account only. */
    public Path secretsDirectory() throws IOException {
        return Files.createTempDirectory(tmp(), "secrets-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Removes a build's secret files. */
    public void discardSecrets(Path directory) {
        if (directory == null) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.warnf("secret files in %s could not be removed: %s", directory, e.getMessage());
        }
    }

    /** The environment every builder process starts with: nothing of this service's. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", home.resolve("home").toString());
        env.put("XDG_RUNTIME_DIR", home.resolve("run").toString());
        env.put("TMPDIR", tmp().toString());
        return env;
    }

    /**
     * Gives the build account a run's files (workspace, source) and closes them to everyone else: links are changed,
     * never followed.
     */
    public void handOver(Path path) throws IOException {
        SandboxUser user = user();
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        }
        if (user != null) {
            HostCommand.chownTree(path, user.uid(), user.gid(), QUICK);
        }
    }

    /** {@code command} run as the build account, in the host's network (pulls and pushes). */
    public List<String> asBuilder(List<String> command) {
        return asBuilder(command, null);
    }

    /**
     * {@code command} run as the build account, in the host's network, seeing {@code hosts} as /etc/hosts (in a
     * mount namespace of its own) where it is given: Drydock's login servers need no DNS entry.
     */
    public List<String> asBuilder(List<String> command, Path hosts) {
        SandboxUser user = user();
        if (user == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        if (hosts != null) {
            wrapped.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                    "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.toString()));
        }
        wrapped.addAll(user.wrap(command));
        return wrapped;
    }

    /** A fresh sandbox for one build step. */
    public Session open(double cpus) throws IOException {
        if (user() == null) {
            return new Session(null, null, null, -1);
        }
        int slot = takeSlot();
        String name = "ddb-" + instance + "-" + slot;
        Cgroup cgroup = null;
        try {
            cgroup = Cgroup.create(CGROUP_PARENT + "/" + instance + "/" + slot, new Cgroup.Limits(cpus,
                    Math.round(config.memoryInGb() * (1L << 30)), config.pids()));
            VethNamespace.Network network = VethNamespace.create(name, LINK_PREFIX + slot, slot, config.subnet());
            return new Session(cgroup, network, name, slot);
        } catch (IOException | RuntimeException e) {
            if (cgroup != null) {
                cgroup.remove();
            }
            releaseSlot(slot);
            throw e;
        }
    }

    /** One step's sandbox; closing it kills whatever still runs in it and removes its cgroup and network. */
    public final class Session implements AutoCloseable {
        private final Cgroup cgroup;
        private final VethNamespace.Network network;
        private final String name;
        private final int slot;

        private Session(Cgroup cgroup, VethNamespace.Network network, String name, int slot) {
            this.cgroup = cgroup;
            this.network = network;
            this.name = name;
            this.slot = slot;
        }

        /** {@code command} started in the cgroup, then the network namespace, then as the build account. */
        public List<String> wrap(List<String> command) {
            if (cgroup == null) {
                return command;
            }
            List<String> inside = new ArrayList<>(List.of("nsenter", "--net=" + network.namespace(), "--"));
            inside.addAll(user.wrap(command));
            return cgroup.wrap(inside);
        }

        public String cgroupPath() {
            return cgroup == null ? null : cgroup.path();
        }

        @Override
        public void close() {
            if (cgroup == null) {
                return;
            }
            try {
                if (!cgroup.kill(KILL)) {
                    LOG.warnf("build sandbox %s: processes %s survived SIGKILL for %s", name, cgroup.processes(), KILL);
                }
                cgroup.remove();
                VethNamespace.delete(name);
            } catch (IOException e) {
                LOG.warnf("build sandbox %s could not be removed: %s", name, e.getMessage());
            } finally {
                releaseSlot(slot);
            }
        }
    }

    /** Sandboxes a crashed predecessor of this service (same data directory) left: killed and removed. */
    private void clearLeftovers() throws IOException {
        for (String child : Cgroup.children(CGROUP_PARENT + "/" + instance)) {
            Cgroup cgroup = Cgroup.existing(CGROUP_PARENT + "/" + instance + "/" + child);
            cgroup.kill(KILL);
            cgroup.remove();
        }
        for (String name : VethNamespace.list("ddb-" + instance + "-")) {
            VethNamespace.delete(name);
        }
    }

    private synchronized int takeSlot() {
        for (int slot = slots.nextClearBit(0); slot < VethNamespace.SLOTS; slot = slots.nextClearBit(slot + 1)) {
            if (!VethNamespace.linkExists(LINK_PREFIX + slot)) {
                slots.set(slot);
                return slot;
            }
        }
        throw new IllegalStateException("every build network slot of " + config.subnet() + "/16 is taken");
    }

    private synchronized void releaseSlot(int slot) {
        if (slot >= 0) {
            slots.clear(slot);
        }
    }

    String table() {
        return "drydock_builds_" + instance;
    }

    /** Sandboxes reach the outside world and nothing of this host, no other sandbox, no container group. */
    String rules() {
        return Firewall.fence(LINK_PREFIX, VethNamespace.GROUP_LINKS, config.subnet(), List.of(), List.of());
    }
}
