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

    /** Where a namespace is reached. @param address the namespace's own IP (its eth0) */
    public record Network(Path namespace, String address, String hostAddress, String hostLink) {
    }

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
            Path outside = Files.writeString(scripts.resolve("host"), String.join("\n",
                    "netns add " + name,
                    "link add " + hostLink + " type veth peer name eth0 netns " + name,
                    "addr add " + host + "/30 dev " + hostLink,
                    "link set " + hostLink + " up", ""));
            Path inside = Files.writeString(scripts.resolve("inside"), String.join("\n",
                    "link set lo up",
                    "addr add " + own + "/30 dev eth0",
                    "link set eth0 up",
                    "route add default via " + host, ""));
            if (!HostCommand.run(List.of("ip", "-batch", outside.toString()), TIMEOUT).ok()) {
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
        return new Network(Path.of("/var/run/netns", name), own, host, hostLink);
    }

    /** Whether a host link of that name exists (a slot another owner holds). */
    public static boolean linkExists(String hostLink) {
        return Files.exists(Path.of("/sys/class/net", hostLink));
    }

    public static void delete(String name) throws IOException {
        check(name);
        if (list("").contains(name)) {
            HostCommand.check(List.of("ip", "netns", "delete", name), TIMEOUT);
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
