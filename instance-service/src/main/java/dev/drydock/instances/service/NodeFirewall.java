package dev.drydock.instances.service;

import dev.drydock.instances.config.InstancesConfig;
import dev.drydock.sandbox.Firewall;
import dev.drydock.sandbox.HostCommand;
import dev.drydock.sandbox.Owner;
import dev.drydock.sandbox.VethNamespace;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The groups' firewall, an nftables table of this service's (decision 0009): a group reaches the outside world
 * (masqueraded), its own containers over localhost and the ports groups publish, like any client; it does not reach
 * other groups, build sandboxes, or anything else of this host (its loopback is the group's own; the host's addresses
 * and the veth's host end are refused in input: PostgreSQL, Kafka, the services' ports). Replies to what the host
 * opens (published ports' forwarding, probes) pass.
 */
@ApplicationScoped
public class NodeFirewall {

    private static final Logger LOG = Logger.getLogger(NodeFirewall.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InstancesConfig config;
    private final String table;
    private volatile boolean active;

    NodeFirewall(InstancesConfig config) {
        this.config = config;
        this.table = "drydock_groups_" + Owner.of(Path.of(config.dataDir()));
    }

    /** Before groups are deployed again at start-up (priority 1), so none runs unfenced. */
    void start(@Observes @Priority(1) StartupEvent event) throws IOException {
        if (!Firewall.available()) {
            LOG.warn("nft is not usable (not root, or nftables missing): container groups would run unfenced, so"
                    + " none will start");
            return;
        }
        Firewall.apply(table, rules());
        Firewall.enableForwarding();
        active = true;
        LOG.infof("groups' firewall: table inet %s", table);
    }

    void stop(@Observes ShutdownEvent event) {
        if (!active) {
            return;
        }
        try {
            Firewall.remove(table);
        } catch (IOException e) {
            LOG.warnf("the groups' firewall table %s could not be removed: %s", table, e.getMessage());
        }
    }

    /** @throws IOException when groups cannot be fenced in here: they are then not started */
    public void requireActive() throws IOException {
        if (!active) {
            throw new IOException("the groups' firewall is not in place (root and nftables are needed)");
        }
    }

    /** Lets groups reach a port a group publishes on the host, as any client can. */
    public void publish(List<Integer> ports) throws IOException {
        if (active && !ports.isEmpty()) {
            HostCommand.check(List.of("nft", "add", "element", "inet", table, "published", "{ " + join(ports) + " }"),
                    TIMEOUT);
        }
    }

    public void unpublish(List<Integer> ports) {
        if (active && !ports.isEmpty()) {
            try {
                HostCommand.run(List.of("nft", "delete", "element", "inet", table, "published",
                        "{ " + join(ports) + " }"), TIMEOUT);
            } catch (IOException e) {
                LOG.warnf("published ports %s stay open to groups: %s", ports, e.getMessage());
            }
        }
    }

    String table() {
        return table;
    }

    /** Groups reach the outside world and the ports groups publish; nothing else of this host, no other group. */
    String rules() {
        return Firewall.fence(VethNamespace.GROUP_LINKS, VethNamespace.BUILD_LINKS, config.subnet(),
                List.of("  set published {", "    type inet_service", "  }"), List.of("tcp dport @published"));
    }

    private static String join(List<Integer> ports) {
        return String.join(", ", ports.stream().map(String::valueOf).toList());
    }
}
