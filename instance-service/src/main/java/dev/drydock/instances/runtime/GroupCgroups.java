package dev.drydock.instances.runtime;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A group's parent cgroup, {@code /drydock-groups/<owner>/<group>} in every hierarchy (the owner id keeps two
 * instance services on one host apart), holding its containers' cgroups: it caps
 * the group at the sum of its containers' requests (ACI: a container's limit may exceed its request up to the
 * group's total, and then the containers compete), and it is removed with the group so nothing is left behind.
 */
public final class GroupCgroups {

    private static final Logger LOG = Logger.getLogger(GroupCgroups.class);
    static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final String ROOT_PARENT = "drydock-groups";
    private static final long CPU_PERIOD = 100_000;

    private final String parent;

    /** @param owner the instance service's {@link dev.drydock.sandbox.Owner} id */
    public GroupCgroups(String owner) {
        this.parent = ROOT_PARENT + "/" + owner;
    }

    /** The cgroup path a container's runtime config names. */
    public String path(String group, String container) {
        return "/" + parent + "/" + group + "/" + container;
    }

    /** Creates the group's parent with its caps (cgroup v1 cpu and memory; best effort elsewhere). */
    public void create(String group, double cpus, long memoryBytes) {
        try {
            Path cpu = ROOT.resolve("cpu").resolve(parent).resolve(group);
            if (Files.isDirectory(ROOT.resolve("cpu"))) {
                Files.createDirectories(cpu);
                Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD));
                Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(cpus * CPU_PERIOD)));
            }
            Path memory = ROOT.resolve("memory").resolve(parent).resolve(group);
            if (Files.isDirectory(ROOT.resolve("memory"))) {
                Files.createDirectories(memory);
                Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            }
        } catch (IOException e) {
            LOG.warnf("group %s: its cgroup caps could not be set: %s", group, e.getMessage());
        }
    }

    /** Removes the group's cgroups in every hierarchy (containers' first). */
    public void remove(String group) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path hierarchy : hierarchies()) {
            Path dir = hierarchy.resolve(parent).resolve(group);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> tree = Files.walk(dir)) {
                    tree.filter(Files::isDirectory).forEach(dirs::add);
                }
            }
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path dir : dirs) {
            // a cgroup directory is removed with rmdir even though it lists files; Files.delete does exactly that
            Files.deleteIfExists(dir);
        }
        for (Path hierarchy : hierarchies()) {
            try {
                Files.deleteIfExists(hierarchy.resolve(parent));
                Files.deleteIfExists(hierarchy.resolve(ROOT_PARENT));
            } catch (IOException busy) {
                // another group (or another instance service) still has its cgroups there
            }
        }
    }

    /** The groups that have a cgroup on this host, in any hierarchy. */
    public List<String> groups() throws IOException {
        TreeSet<String> groups = new TreeSet<>();
        for (Path hierarchy : hierarchies()) {
            Path dir = hierarchy.resolve(parent);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(Files::isDirectory).forEach(p -> groups.add(p.getFileName().toString()));
                }
            }
        }
        return List.copyOf(groups);
    }

    private static List<Path> hierarchies() throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return List.of();
        }
        List<Path> list = new ArrayList<>();
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            list.add(ROOT);
        }
        try (Stream<Path> entries = Files.list(ROOT)) {
            entries.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p)).forEach(list::add);
        }
        return list;
    }
}
