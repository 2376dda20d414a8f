package dev.drydock.instances.runtime;

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
    /** Host ends of groups' veth pairs are dd&lt;slot&gt;. */
    public static final String LINK_PREFIX = "dd";
    public static final int SLOTS = VethNamespace.SLOTS;

    private GroupNetwork() {
    }

    /** Creates the namespace (again, if a previous one was left) in block {@code slot} of {@code subnet}. */
    public static VethNamespace.Network create(String group, int slot, String subnet) throws IOException {
        return VethNamespace.create(name(group), LINK_PREFIX + slot, slot, subnet);
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
