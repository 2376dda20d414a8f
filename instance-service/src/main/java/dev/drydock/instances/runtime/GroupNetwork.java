package dev.drydock.instances.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container group's network (ACI: the containers of a group share localhost and one IP address): a named network
 * namespace with loopback up and one end of a veth pair as its eth0, holding the group's address from a /30 of its
 * own; the host keeps the other end, so the host (published ports, httpGet probes) reaches the group at that
 * address. Deleting the namespace takes the pair with it. Two {@code ip -batch} calls set it all up (≈ 5 ms).
 */
public final class GroupNetwork {

    /** Where a group is reached. @param address the group's IP (its containers' eth0) */
    public record Network(Path namespace, String address, String hostAddress) {
    }

    static final String PREFIX = "drydock-";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** /30 blocks in a /16. */
    public static final int SLOTS = 16384;

    private GroupNetwork() {
    }

    /**
     * Creates the namespace (again, if a previous one was left) in block {@code slot} of {@code subnet} (a.b.0.0).
     */
    public static Network create(String group, int slot, String subnet) throws IOException {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("no network slot " + slot);
        }
        String name = name(group);
        String[] octets = subnet.split("\\.");
        int base = (Integer.parseInt(octets[0]) << 24) | (Integer.parseInt(octets[1]) << 16) + slot * 4;
        String host = address(base + 1);
        String own = address(base + 2);
        String hostLink = "dd" + slot;
        Path scripts = Files.createTempDirectory("drydock-net-");
        try {
            Path outside = Files.writeString(scripts.resolve("host"), String.join("\n",
                    "netns add " + name,
                    "link add " + hostLink + " type veth peer name eth0 netns " + name,
                    "addr add " + host + "/30 dev " + hostLink,
                    "link set " + hostLink + " up", ""));
            Path inside = Files.writeString(scripts.resolve("group"), String.join("\n",
                    "link set lo up",
                    "addr add " + own + "/30 dev eth0",
                    "link set eth0 up",
                    "route add default via " + host, ""));
            if (!HostCommand.run(List.of("ip", "-batch", outside.toString()), TIMEOUT).ok()) {
                // a namespace left by a previous deployment: remove it and try once more
                delete(group);
                HostCommand.check(List.of("ip", "-batch", outside.toString()), TIMEOUT);
            }
            HostCommand.check(List.of("ip", "-n", name, "-batch", inside.toString()), TIMEOUT);
        } catch (IOException e) {
            delete(group);
            throw e;
        } finally {
            Files.deleteIfExists(scripts.resolve("host"));
            Files.deleteIfExists(scripts.resolve("group"));
            Files.deleteIfExists(scripts);
        }
        return new Network(Path.of("/var/run/netns", name), own, host);
    }

    public static void delete(String group) throws IOException {
        if (exists(group)) {
            HostCommand.check(List.of("ip", "netns", "delete", name(group)), TIMEOUT);
        }
    }

    public static boolean exists(String group) throws IOException {
        return groups().contains(group);
    }

    /** The groups that have a namespace on this host. */
    public static List<String> groups() throws IOException {
        List<String> groups = new ArrayList<>();
        for (String line : HostCommand.check(List.of("ip", "netns", "list"), TIMEOUT).lines().toList()) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX)) {
                groups.add(name.substring(PREFIX.length()));
            }
        }
        return groups;
    }

    private static String name(String group) {
        if (!group.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("not a group name: " + group);
        }
        return PREFIX + group;
    }

    private static String address(int value) {
        return ((value >>> 24) & 255) + "." + ((value >>> 16) & 255) + "." + ((value >>> 8) & 255) + "." + (value & 255);
    }
}
