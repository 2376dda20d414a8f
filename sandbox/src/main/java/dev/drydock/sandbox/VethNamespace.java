package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A named network namespace with loopback up and one end of a veth pair as its eth0, holding an address from a /30
 * of its own; the host keeps the other end (its link name is host-wide, so it is also what makes a slot taken) and
 * is the namespace's default route. Deleting the namespace takes the pair with it. Two {@code ip -batch} calls set it
 * all up (≈ 5 ms).
 */
public final class VethNamespace {

    /**
     * Where a namespace is reached.
     *
     * @param address       the namespace's own IP (its eth0)
     * @param userNamespace the user namespace that owns it, or null when the host's does
     */
    public record Network(Path namespace, String address, String hostAddress, String hostLink, Path userNamespace) {
    }

    static final Path NETNS = Path.of("/var/run/netns");
    /** Where user namespaces that own network namespaces are kept, by the network namespace's name. */
    static final Path USERNS = Path.of("/run/drydock/userns");

    /** Host ends of container groups' pairs: dd&lt;slot&gt;. Firewalls of both services name them. */
    public static final String GROUP_LINKS = "dd";
    /** Host ends of build sandboxes' pairs: dbld&lt;slot&gt;. */
    public static final String BUILD_LINKS = "dbld";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** /30 blocks in a /16. */
    public static final int SLOTS = 16384;

    private VethNamespace() {
    }

    /**
     * Creates namespace {@code name} in block {@code slot} of {@code subnet} (a.b.0.0), its host end named
     * {@code hostLink}. A namespace of that name left by a previous owner is replaced.
     */
    public static Network create(String name, String hostLink, int slot, String subnet) throws IOException {
        return create(name, hostLink, slot, subnet, IdMap.NONE);
    }

    /**
     * As above; with a map in {@code ids}, the namespace is owned by a new user namespace with that map (kept beside it), so
     * processes that join that user namespace (every container of a group, {@code runc exec} too) may join the
     * network namespace and mount its sysfs, which a namespace of the host's user namespace would refuse them.
     */
    public static Network create(String name, String hostLink, int slot, String subnet, IdMap ids)
            throws IOException {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("no network slot " + slot);
        }
        check(name);
        String[] octets = subnet.split("\\.");
        int base = (Integer.parseInt(octets[0]) << 24) | (Integer.parseInt(octets[1]) << 16) + slot * 4;
        String host = address(base + 1);
        String own = address(base + 2);
        Path scripts = Files.createTempDirectory("drydock-net-");
        try {
            List<String> hostSide = new ArrayList<>();
            if (ids.maps()) {
                delete(name);
                owned(name, ids);
            } else {
                hostSide.add("netns add " + name);
            }
            hostSide.addAll(List.of("link add " + hostLink + " type veth peer name eth0 netns " + name,
                    "addr add " + host + "/30 dev " + hostLink,
                    "link set " + hostLink + " up", ""));
            Path outside = Files.writeString(scripts.resolve("host"), String.join("\n", hostSide));
            Path inside = Files.writeString(scripts.resolve("inside"), String.join("\n",
                    "link set lo up",
                    "addr add " + own + "/30 dev eth0",
                    "link set eth0 up",
                    "route add default via " + host, ""));
            if (ids.maps()) {
                HostCommand.check(List.of("ip", "-batch", outside.toString()), TIMEOUT);
            } else if (!HostCommand.run(List.of("ip", "-batch", outside.toString()), TIMEOUT).ok()) {
                // a namespace left by a previous owner: remove it and try once more
                delete(name);
                HostCommand.check(List.of("ip", "-batch", outside.toString()), TIMEOUT);
            }
            HostCommand.check(List.of("ip", "-n", name, "-batch", inside.toString()), TIMEOUT);
        } catch (IOException e) {
            delete(name);
            throw e;
        } finally {
            Files.deleteIfExists(scripts.resolve("host"));
            Files.deleteIfExists(scripts.resolve("inside"));
            Files.deleteIfExists(scripts);
        }
        return new Network(NETNS.resolve(name), own, host, hostLink, ids.maps() ? USERNS.resolve(name) : null);
    }

    /**
     * A user namespace with {@code ids}' map and a network namespace it owns, both kept by bind mounts: a holder
     * process unshares both, this (root) process writes its maps and binds its namespaces, then the holder goes.
     */
    private static void owned(String name, IdMap ids) throws IOException {
        Files.createDirectories(NETNS);
        Files.createDirectories(USERNS);
        Process holder = new ProcessBuilder("unshare", "--user", "--net", "--", "sleep", "60")
                .redirectErrorStream(true).start();
        try {
            Path proc = Path.of("/proc", Long.toString(holder.pid()));
            long until = System.nanoTime() + TIMEOUT.toNanos();
            // unshare execs sleep once the namespaces exist
            while (!Files.readString(proc.resolve("comm")).strip().equals("sleep")) {
                if (!holder.isAlive() || System.nanoTime() > until) {
                    throw new IOException("cannot create the user namespace of " + name + ": "
                            + new String(holder.getInputStream().readNBytes(4096)).strip());
                }
                Thread.onSpinWait();
            }
            String map = "0 " + ids.hostBase() + " " + ids.size() + "\n";
            Files.writeString(proc.resolve("uid_map"), map);
            Files.writeString(proc.resolve("gid_map"), map);
            Path userns = Files.writeString(USERNS.resolve(name), "");
            Path netns = Files.writeString(NETNS.resolve(name), "");
            HostCommand.check(List.of("mount", "--bind", proc.resolve("ns/user").toString(), userns.toString()),
                    TIMEOUT);
            HostCommand.check(List.of("mount", "--bind", proc.resolve("ns/net").toString(), netns.toString()),
                    TIMEOUT);
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Whether a host link of that name exists (a slot another owner holds). */
    public static boolean linkExists(String hostLink) {
        return Files.exists(Path.of("/sys/class/net", hostLink));
    }

    public static void delete(String name) throws IOException {
        check(name);
        // what `ip netns list` would say, without a process
        if (Files.exists(NETNS.resolve(name))) {
            HostCommand.check(List.of("ip", "netns", "delete", name), TIMEOUT);
        }
        Path userns = USERNS.resolve(name);
        if (Files.exists(userns)) {
            // not mounted (a crash between the file and its mount) is fine: the file goes either way
            HostCommand.run(List.of("umount", userns.toString()), TIMEOUT);
            Files.deleteIfExists(userns);
        }
    }

    /** The namespaces on this host whose names start with {@code prefix}. */
    public static List<String> list(String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : HostCommand.check(List.of("ip", "netns", "list"), TIMEOUT).lines().toList()) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        }
        return names;
    }

    private static void check(String name) {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("not a network namespace name: " + name);
        }
    }

    private static String address(int value) {
        return ((value >>> 24) & 255) + "." + ((value >>> 16) & 255) + "." + ((value >>> 8) & 255) + "." + (value & 255);
    }
}
