package dev.drydock.instances.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.sandbox.IdMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime configuration (config.json) of one container: the image's entrypoint and cmd unless the group
 * gives a command (which replaces both, as in ACI), the image's environment overridden by the group's, its working
 * directory and numeric user, a writable root, memory (swap equal, so the JVM sees the limit) and CPU quota, the
 * default capabilities of {@code runc spec} and no new privileges; and what isolates it ({@link Isolation}): a user
 * namespace whose root is an unprivileged host id, a pids limit, the default seccomp profile and an init as PID 1.
 */
public final class RuntimeSpec {

    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What containers may do as their root (runc spec's defaults); the seccomp profile is resolved for these. */
    public static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    /** Where the init is seen in a container: a path no image uses. */
    static final String INIT = "/.drydock-init";
    private static final long CPU_PERIOD = 100_000;

    /**
     * What the group asks of a container.
     *
     * @param command     replaces the image's entrypoint and cmd when not empty
     * @param args        replaces the image's cmd when not empty
     * @param memoryBytes 0 for none
     * @param cpus        0 for none
     * @param network     the group's network namespace to join, or null for one of the container's own
     * @param cgroup      the container's cgroup path, or null for runc's default
     * @param userNamespace the group's user namespace to join (it owns {@code network}), or null for a new one
     */
    public record Request(List<String> command, List<String> args, Map<String, String> env, long memoryBytes,
            double cpus, String hostname, Path network, List<BindMount> mounts, String cgroup, Path userNamespace) {
    }

    /**
     * What keeps every container of the node apart from the host.
     *
     * @param ids       the user namespace's map, or {@link IdMap#NONE} for none
     * @param pidsLimit 0 for none
     * @param seccomp   an OCI seccomp section, or null for none
     * @param init      a static init binary on the host run as PID 1, or null to run the command as PID 1
     */
    public record Isolation(IdMap ids, long pidsLimit, ObjectNode seccomp, Path init) {
        public static final Isolation NONE = new Isolation(IdMap.NONE, 0, null, null);
    }

    /** A host directory or file seen at {@code destination} in the container. */
    public record BindMount(Path source, String destination, boolean readOnly) {
    }

    private RuntimeSpec() {
    }

    /** @throws IllegalArgumentException when neither the group nor the image says what to run */
    public static ObjectNode of(ImageConfig image, Request request) {
        return of(image, request, Isolation.NONE);
    }

    /** @throws IllegalArgumentException when neither the group nor the image says what to run */
    public static ObjectNode of(ImageConfig image, Request request, Isolation isolation) {
        List<String> args = !request.command().isEmpty() ? concat(request.command(), request.args())
                : concat(image.entrypoint(), request.args().isEmpty() ? image.cmd() : request.args());
        if (args.isEmpty()) {
            throw new IllegalArgumentException("the image has no entrypoint or cmd and the container no command");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : image.env()) {
            int eq = entry.indexOf('=');
            env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        env.putAll(request.env());
        env.putIfAbsent("PATH", PATH.substring("PATH=".length()));
        env.putIfAbsent("HOSTNAME", request.hostname());

        ObjectNode spec = JSON.createObjectNode().put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process").put("terminal", false)
                .put("cwd", image.workingDir().isEmpty() ? "/" : image.workingDir()).put("noNewPrivileges", true);
        ObjectNode user = process.putObject("user");
        int[] ids = user(image.user());
        user.put("uid", ids[0]).put("gid", ids[1]);
        ArrayNode argv = process.putArray("args");
        if (isolation.init() != null) {
            // catatonit reaps orphans (no zombie holds a host PID) and forwards signals to the command
            argv.add(INIT);
            argv.add("--");
        }
        args.forEach(argv::add);
        ArrayNode envs = process.putArray("env");
        env.forEach((k, v) -> envs.add(k + "=" + v));
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode list = caps.putArray(set);
            CAPABILITIES.forEach(list::add);
        }
        spec.putObject("root").put("path", "rootfs").put("readonly", false);
        spec.put("hostname", request.hostname());
        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of());
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620"));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        if (isolation.init() != null) {
            mount(mounts, INIT, "bind", isolation.init().toString(), List.of("bind", "nosuid", "nodev", "ro"));
        }
        for (BindMount bind : request.mounts()) {
            mount(mounts, bind.destination(), "bind", bind.source().toString(),
                    List.of("rbind", "nosuid", "nodev", bind.readOnly() ? "ro" : "rw"));
        }
        ObjectNode linux = spec.putObject("linux");
        if (request.cgroup() != null) {
            linux.put("cgroupsPath", request.cgroup());
        }
        ObjectNode resources = linux.putObject("resources");
        if (request.memoryBytes() > 0) {
            resources.putObject("memory").put("limit", request.memoryBytes()).put("swap", request.memoryBytes());
        }
        if (request.cpus() > 0) {
            resources.putObject("cpu").put("period", CPU_PERIOD).put("quota", Math.round(request.cpus() * CPU_PERIOD));
        }
        if (isolation.pidsLimit() > 0) {
            resources.putObject("pids").put("limit", isolation.pidsLimit());
        }
        if (isolation.seccomp() != null) {
            linux.set("seccomp", isolation.seccomp());
        }
        // the user namespace first: the others are created owned by it (the group's network namespace already is)
        List<String> kinds = new ArrayList<>();
        if (isolation.ids().maps()) {
            kinds.add("user");
            // runc 1.1 wants the map even when it joins a user namespace that has it
            for (String map : List.of("uidMappings", "gidMappings")) {
                linux.putArray(map).addObject().put("containerID", 0).put("hostID", isolation.ids().hostBase())
                        .put("size", isolation.ids().size());
            }
        }
        kinds.addAll(List.of("pid", "network", "ipc", "uts", "mount"));
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : kinds) {
            ObjectNode namespace = namespaces.addObject().put("type", ns);
            if (ns.equals("network") && request.network() != null) {
                namespace.put("path", request.network().toString());
            }
            if (ns.equals("user") && request.userNamespace() != null) {
                namespace.put("path", request.userNamespace().toString());
            }
        }
        ArrayNode masked = linux.putArray("maskedPaths");
        for (String path : List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
            masked.add(path);
        }
        ArrayNode readonly = linux.putArray("readonlyPaths");
        for (String path : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
            readonly.add(path);
        }
        return spec;
    }

    /** Numeric uid[:gid]; names would need the image's /etc/passwd and are refused for now. */
    static int[] user(String user) {
        if (user == null || user.isEmpty()) {
            return new int[] {0, 0};
        }
        String[] parts = user.split(":");
        try {
            int uid = Integer.parseInt(parts[0]);
            return new int[] {uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the image's user '" + user + "' is not numeric (uid[:gid])");
        }
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
        ObjectNode mount = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        if (!options.isEmpty()) {
            ArrayNode list = mount.putArray("options");
            options.forEach(list::add);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
