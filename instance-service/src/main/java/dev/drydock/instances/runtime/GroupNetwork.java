package dev.drydock.instances.runtime;

import dev.drydock.sandbox.IdMap;
import dev.drydock.sandbox.VethNamespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A container group's network (ACI: the containers of a group share localhost and one IP address): a network
 * namespace named after the group with a veth pair to the host, so the host (published ports, httpGet probes)
 * reaches the group at its address. Namespaces carry their instance service's owner id ({@code
 * drydock-<owner>-<group>}): two instance services on one host never see, take or remove each other's.
 */
public final class GroupNetwork {

    public static final int SLOTS = VethNamespace.SLOTS;

    private final String prefix;

    /** @param owner the instance service's {@link dev.drydock.sandbox.Owner} id */
    public GroupNetwork(String owner) {
        this.prefix = "drydock-" + owner + "-";
    }

    /** Creates the namespace (again, if a previous one was left) in block {@code slot} of {@code subnet}. */
    public VethNamespace.Network create(String group, int slot, String subnet) throws IOException {
        return create(group, slot, subnet, IdMap.NONE);
    }

    /** With a map, the namespace belongs to a user namespace of the group's, which its containers join. */
    public VethNamespace.Network create(String group, int slot, String subnet, IdMap ids) throws IOException {
        return VethNamespace.create(name(group), link(slot), slot, subnet, ids);
    }

    /**
     * The host end of slot {@code slot}'s veth pair. Link names are host-wide: a slot whose link exists belongs to
     * another instance service (or a build), and is not taken.
     */
    public static String link(int slot) {
        return VethNamespace.GROUP_LINKS + slot;
    }

    /** Whether slot {@code slot}'s link exists on this host, whoever made it. */
    public static boolean linkExists(int slot) {
        return Files.exists(Path.of("/sys/class/net", link(slot)));
    }

    public void delete(String group) throws IOException {
        VethNamespace.delete(name(group));
    }

    public boolean exists(String group) throws IOException {
        return groups().contains(group);
    }

    /** The groups of this owner that have a namespace on this host. */
    public List<String> groups() throws IOException {
        return VethNamespace.list(prefix).stream().map(n -> n.substring(prefix.length())).toList();
    }

    private String name(String group) {
        if (!group.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("not a group name: " + group);
        }
        return prefix + group;
    }
}
