package dev.drydock.instances.service;

import dev.drydock.instances.config.InstancesConfig;
import dev.drydock.instances.domain.GroupSpec;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What this node can give running groups and what they hold (ACI: a group's allocation is the sum of its containers'
 * requests, and a group that does not fit is refused, never started to starve the others or the host). Allocatable
 * is configured or the machine's minus a reserve for the host and Drydock itself. Published TCP ports are held the
 * same way: one group per port, and none that another process of the host listens on.
 */
@ApplicationScoped
public class Capacity {

    private static final Logger LOG = Logger.getLogger(Capacity.class);
    private static final double GIB = 1L << 30;
    private static final double EPSILON = 1e-9;

    /** What a group holds while it runs. */
    public record Demand(double cpu, double memoryInGb, Set<Integer> ports) {
        static Demand of(GroupSpec spec) {
            return new Demand(spec.containers().stream().mapToDouble(c -> c.requests().cpu()).sum(),
                    spec.containers().stream().mapToDouble(c -> c.requests().memoryInGB()).sum(),
                    spec.publicPorts().stream().filter(p -> p.protocol().equals("TCP")).map(GroupSpec.Port::port)
                            .collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    private final String publishAddress;
    private final double cpu;
    private final double memoryInGb;
    private final Map<String, Demand> held = new HashMap<>();

    Capacity(InstancesConfig config) {
        this.publishAddress = config.publishAddress();
        InstancesConfig.Capacity capacity = config.capacity();
        this.cpu = capacity.cpu().orElse(Math.max(0, Runtime.getRuntime().availableProcessors()
                - capacity.reservedCpu()));
        this.memoryInGb = capacity.memoryInGb().orElse(Math.max(0, machineMemory() / GIB
                - capacity.reservedMemoryInGb()));
        LOG.infof("allocatable to container groups: %.2f CPU, %.2f GB", cpu, memoryInGb);
    }

    /**
     * Holds {@code spec}'s demand for group {@code name} (replacing what it held).
     *
     * @return what the group held before, for {@link #restore}
     * @throws InsufficientCapacityException when the running groups and this one exceed the node
     * @throws PortTakenException when a port it publishes is another group's or another process's
     */
    public synchronized Demand admit(String name, GroupSpec spec) {
        Demand demand = Demand.of(spec);
        double usedCpu = 0;
        double usedMemory = 0;
        for (Map.Entry<String, Demand> entry : held.entrySet()) {
            if (!entry.getKey().equals(name)) {
                usedCpu += entry.getValue().cpu();
                usedMemory += entry.getValue().memoryInGb();
                for (int port : demand.ports()) {
                    if (entry.getValue().ports().contains(port)) {
                        LOG.infof("group %s refused: port %d is published by group %s", name, port, entry.getKey());
                        throw new PortTakenException("port " + port + " is already published by container group '"
                                + entry.getKey() + "'");
                    }
                }
            }
        }
        Demand mine = held.get(name);
        for (int port : demand.ports()) {
            // the group's own running deployment listens on its ports until the replacement takes them over
            if ((mine == null || !mine.ports().contains(port)) && !free(port)) {
                LOG.infof("group %s refused: port %d is in use on the host", name, port);
                throw new PortTakenException("port " + port + " is in use on the host (" + publishAddress
                        + ") by a process that is not a container group");
            }
        }
        if (usedCpu + demand.cpu() > cpu + EPSILON || usedMemory + demand.memoryInGb() > memoryInGb + EPSILON) {
            LOG.infof("group %s refused: it asks %.2f CPU and %.2f GB, %.2f CPU and %.2f GB of %.2f and %.2f are free",
                    name, demand.cpu(), demand.memoryInGb(), Math.max(0, cpu - usedCpu),
                    Math.max(0, memoryInGb - usedMemory), cpu, memoryInGb);
            throw new InsufficientCapacityException(demand, Math.max(0, cpu - usedCpu),
                    Math.max(0, memoryInGb - usedMemory));
        }
        return held.put(name, demand);
    }

    /** Puts back what {@link #admit} replaced (the request that was admitted did not happen). */
    public synchronized void restore(String name, Demand previous) {
        if (previous == null) {
            held.remove(name);
        } else {
            held.put(name, previous);
        }
    }

    /** The group no longer runs here. */
    public synchronized void release(String name) {
        held.remove(name);
    }

    /** Whether nothing listens on {@code port} at the publish address; Vert.x would share it rather than fail. */
    private boolean free(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(publishAddress, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static double machineMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** A published port that another group or process has: 409, naming the port and who has it. */
    public static final class PortTakenException extends ConflictException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /** ACI's capacity error, with what was asked and what is free. */
    public static final class InsufficientCapacityException extends RuntimeException {
        InsufficientCapacityException(Demand demand, double freeCpu, double freeMemory) {
            super(String.format("The requested resource with '%s' CPU and '%s' GB memory is not available on this"
                    + " node at this moment (free: %.2f CPU, %.2f GB). Please retry with a different resource request"
                    + " or after other container groups stop.", format(demand.cpu()), format(demand.memoryInGb()),
                    freeCpu, freeMemory));
        }

        private static String format(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
