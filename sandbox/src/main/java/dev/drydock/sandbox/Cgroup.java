package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A cgroup this service created for untrusted code, in every hierarchy that limits or stops it (cgroup v1: cpu,
 * memory, pids, freezer; cgroup v2: the unified tree). Processes enter it through {@link #wrap}, a root shell that
 * writes its own pid into the cgroup before it becomes the untrusted program, so nothing the program starts can be
 * outside; {@link #kill} ends everything in it, daemonised or not, because membership is inherited and only root can
 * move a process out.
 */
public final class Cgroup {

    static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long CPU_PERIOD = 100_000;
    private static final List<String> V1_CONTROLLERS = List.of("cpu", "memory", "pids", "freezer");

    /** @param cpus CPU time per wall-clock second; 0 leaves it unlimited */
    public record Limits(double cpus, long memoryBytes, long pids) {
    }

    private final String path;
    private final List<Path> dirs;

    private Cgroup(String path, List<Path> dirs) {
        this.path = path;
        this.dirs = dirs;
    }

    /** Whether this host has cgroups this process may create (root on a cgroup v1 or v2 host). */
    public static boolean available() {
        return Files.isWritable(ROOT.resolve("pids")) || Files.isWritable(ROOT.resolve("cgroup.procs"));
    }

    /**
     * Creates {@code path} (relative, like {@code drydock-builds/3f2a/run-ca12}) with {@code limits}.
     *
     * @throws IOException when the host has no cgroups or a limit cannot be written
     */
    public static Cgroup create(String path, Limits limits) throws IOException {
        check(path);
        List<Path> dirs = dirs(path);
        if (unified()) {
            Path dir = dirs.get(0);
            enableControllers(dir);
            Files.createDirectories(dir);
            write(dir, "pids.max", Long.toString(limits.pids()));
            write(dir, "memory.max", Long.toString(limits.memoryBytes()));
            write(dir, "memory.swap.max", "0");
            write(dir, "cpu.max", limits.cpus() <= 0 ? "max " + CPU_PERIOD
                    : Math.round(limits.cpus() * CPU_PERIOD) + " " + CPU_PERIOD);
        } else {
            for (Path dir : dirs) {
                Path hierarchy = hierarchy(dir, path);
                if (!Files.isDirectory(hierarchy)) {
                    throw new IOException("the host has no cgroup controller at " + hierarchy);
                }
                Files.createDirectories(dir);
            }
            Path cpu = ROOT.resolve("cpu").resolve(path);
            write(cpu, "cpu.cfs_period_us", Long.toString(CPU_PERIOD));
            write(cpu, "cpu.cfs_quota_us", limits.cpus() <= 0 ? "-1"
                    : Long.toString(Math.round(limits.cpus() * CPU_PERIOD)));
            write(ROOT.resolve("memory").resolve(path), "memory.limit_in_bytes", Long.toString(limits.memoryBytes()));
            write(ROOT.resolve("pids").resolve(path), "pids.max", Long.toString(limits.pids()));
        }
        return new Cgroup(path, dirs);
    }

    /** An existing cgroup of this service's, found again after a restart to be killed and removed. */
    public static Cgroup existing(String path) {
        check(path);
        return new Cgroup(path, dirs(path));
    }

    /** The child cgroups under {@code parent} in any hierarchy, by name. */
    public static List<String> children(String parent) throws IOException {
        check(parent);
        TreeSet<String> names = new TreeSet<>();
        for (Path dir : dirs(parent)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
                }
            }
        }
        return List.copyOf(names);
    }

    public String path() {
        return path;
    }

    /**
     * {@code command} as it must be started so that it begins life inside this cgroup: a root shell joins every
     * hierarchy, then execs it (exit 125 when joining failed, so the command never runs outside).
     */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"", "sh"));
        dirs.forEach(dir -> wrapped.add(dir.resolve("cgroup.procs").toString()));
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** The processes in the cgroup now. */
    public List<Long> processes() throws IOException {
        TreeSet<Long> pids = new TreeSet<>();
        for (Path dir : dirs) {
            Path procs = dir.resolve("cgroup.procs");
            if (Files.exists(procs)) {
                for (String line : Files.readAllLines(procs)) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.strip()));
                    }
                }
            }
        }
        return List.copyOf(pids);
    }

    /**
     * Ends every process in the cgroup: frozen first so a fork bomb cannot outrun the kill, then SIGKILL to each,
     * thawed so the kills land. @return whether the cgroup was empty within {@code timeout}
     */
    public boolean kill(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        Optional<Path> v2kill = unified() ? Optional.of(dirs.get(0).resolve("cgroup.kill")) : Optional.empty();
        while (true) {
            if (v2kill.isPresent() && Files.exists(v2kill.get())) {
                Files.writeString(v2kill.get(), "1");
            } else {
                freeze(true);
                for (long pid : processes()) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                freeze(false);
            }
            if (awaitEmpty(Instant.now().plusMillis(500).isBefore(deadline) ? Instant.now().plusMillis(500) : deadline)) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
        }
    }

    /** Removes the cgroup's directories (its processes must be gone) and the parents it leaves empty. */
    public void remove() throws IOException {
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                List<Path> tree;
                try (Stream<Path> walk = Files.walk(dir)) {
                    tree = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                            .toList();
                }
                for (Path d : tree) {
                    // a cgroup directory goes with rmdir although it lists files; Files.delete does exactly that
                    Files.deleteIfExists(d);
                }
            }
            Path hierarchy = hierarchy(dir, path);
            for (Path parent = dir.getParent(); !parent.equals(hierarchy); parent = parent.getParent()) {
                try {
                    Files.deleteIfExists(parent);
                } catch (IOException busy) {
                    break; // another sandbox still lives there
                }
            }
        }
    }

    private void freeze(boolean frozen) throws IOException {
        Path state = ROOT.resolve("freezer").resolve(path).resolve("freezer.state");
        if (!Files.exists(state)) {
            return;
        }
        Files.writeString(state, frozen ? "FROZEN" : "THAWED");
        if (frozen) {
            Instant until = Instant.now().plusSeconds(2);
            while (!Files.readString(state).strip().equals("FROZEN") && Instant.now().isBefore(until)) {
                Thread.onSpinWait();
            }
        }
    }

    private boolean awaitEmpty(Instant until) throws IOException {
        while (true) {
            if (processes().isEmpty()) {
                return true;
            }
            if (Instant.now().isAfter(until)) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while ending the processes of cgroup " + path, e);
            }
        }
    }

    /** Where {@code path} lives: the unified tree's one directory, or one per v1 controller this class uses. */
    private static List<Path> dirs(String path) {
        return unified() ? List.of(ROOT.resolve(path))
                : V1_CONTROLLERS.stream().map(c -> ROOT.resolve(c).resolve(path)).toList();
    }

    /** The hierarchy's root that {@code dir}, the cgroup {@code path} in it, lies in. */
    private static Path hierarchy(Path dir, String path) {
        Path hierarchy = dir;
        for (int i = 0; i < path.split("/").length; i++) {
            hierarchy = hierarchy.getParent();
        }
        return hierarchy;
    }

    private static boolean unified() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    /** cgroup v2 hands a controller to children only when every ancestor enables it for its subtree. */
    private static void enableControllers(Path dir) throws IOException {
        Path current = ROOT;
        for (Path name : ROOT.relativize(dir.getParent() == null ? dir : dir.getParent())) {
            write(current, "cgroup.subtree_control", "+cpu +memory +pids");
            current = current.resolve(name);
            Files.createDirectories(current);
        }
        write(current, "cgroup.subtree_control", "+cpu +memory +pids");
    }

    private static void write(Path dir, String file, String value) throws IOException {
        try {
            Files.writeString(dir.resolve(file), value);
        } catch (IOException e) {
            throw new IOException("cannot set " + dir.resolve(file) + " to " + value + ": " + e.getMessage(), e);
        }
    }

    private static void check(String path) {
        if (!path.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("not a cgroup path: " + path);
        }
    }
}
