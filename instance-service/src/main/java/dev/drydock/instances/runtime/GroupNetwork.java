package dev.drydock.instances.runtime;

import dev.drydock.sandbox.IdMap;
import dev.drydock.sandbox.VethNamespace;

import java.io.IOException;
import java.util.List;

/**
 * A container group's network (ACI: the containers of a group share localhost and one IP address): a network
 * namespace named after the group with a veth pair to the host, so the host (published ports, httpGet probes)
 * reaches the group at its address.
 */
public final class GroupNetwork {

    static final String PREFIX = "drydock-";
    public static final int SLOTS = VethNamespace.SLOTS;

    private GroupNetwork() {
    }

    /** Creates the namespace (again, if a previous one was left) in block {@code slot} of {@code subnet}. */
    public static VethNamespace.Network create(String group, int slot, String subnet) throws IOException {
        return create(group, slot, subnet, IdMap.NONE);
    }

    /** With a map, the namespace belongs to a user namespace of the group's, which its containers join. */
    public static VethNamespace.Network create(String group, int slot, String subnet, IdMap ids) throws IOException {
        return VethNamespace.create(name(group), VethNamespace.GROUP_LINKS + slot, slot, subnet, ids);
    }

    public static void delete(String group) throws IOException {
        VethNamespace.delete(name(group));
    }

    public static boolean exists(String group) throws IOException {
        return groups().contains(group);
    }

    /** The groups that have a namespace on this host. */
    public static List<String> groups() throws IOException {
        return VethNamespace.list(PREFIX).stream().map(n -> n.substring(PREFIX.length())).toList();
    }

    private static String name(String group) {
        if (!group.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("not a group name: " + group);
        }
        return PREFIX + group;
    }
}
