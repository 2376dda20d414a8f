package dev.drydock.instances.service;

import dev.drydock.instances.persistence.Groups;
import dev.drydock.instances.runtime.ContainerRuntime;
import dev.drydock.instances.runtime.Directories;
import dev.drydock.instances.runtime.Mounts;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes the host agree with the database when the service starts: whatever a previous run left (containers, mounts,
 * network namespaces, cgroups, bundles, volumes) is removed, the directories of deleted groups go, and every group
 * that should run is deployed again — containers cannot be adopted, because their supervisor (and so their exit
 * code and output) died with the previous process. On shutdown every deployment is stopped.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** What was removed from the host. */
    public record Cleaned(int containers, int mounts, int networks, int cgroups) {
    }

    private final Node node;
    private final Groups groups;
    private final GroupService service;

    Reconciler(Node node, Groups groups, GroupService service) {
        this.node = node;
        this.groups = groups;
        this.service = service;
    }

    void onStart(@Observes StartupEvent event) {
        node.workers().submit(() -> {
            try {
                reconcile();
            } catch (RuntimeException | IOException e) {
                LOG.errorf("reconciling the host with the database failed: %s", e.getMessage());
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        service.stopAll();
    }

    /** Clears the host of everything this service's groups had, then deploys the groups that should run. */
    public Cleaned reconcile() throws IOException {
        service.stopAll();
        Cleaned cleaned = clear();
        List<Groups.Group> all = groups.list().await().atMost(Duration.ofSeconds(30));
        Set<String> known = all.stream().map(Groups.Group::name).collect(Collectors.toSet());
        if (Files.isDirectory(node.groupsDir())) {
            try (Stream<Path> dirs = Files.list(node.groupsDir())) {
                for (Path dir : dirs.toList()) {
                    if (!known.contains(dir.getFileName().toString())) {
                        Directories.delete(dir);
                    }
                }
            }
        }
        int redeployed = 0;
        for (Groups.Group group : all) {
            if (group.desired().equals("Running")) {
                service.redeploy(group.name(), "the instance service restarted; the group is deployed again")
                        .await().atMost(Duration.ofSeconds(30));
                redeployed++;
            }
        }
        LOG.infof("reconciled the host: removed %d container(s), %d mount(s), %d network(s), %d cgroup(s); "
                + "%d group(s) deployed again", cleaned.containers(), cleaned.mounts(), cleaned.networks(),
                cleaned.cgroups(), redeployed);
        return cleaned;
    }

    /** Removes every container, mount, namespace, cgroup, bundle and volume of this service from the host. */
    Cleaned clear() throws IOException {
        ContainerRuntime runtime = node.runtime();
        List<String> containers = runtime.list();
        for (String id : containers) {
            runtime.remove(id);
        }
        List<String> mounts = Mounts.under(node.dataDir());
        for (String mount : mounts) {
            Mounts.unmount(Path.of(mount));
        }
        List<String> networks = node.networks().groups();
        for (String group : networks) {
            node.networks().delete(group);
        }
        List<String> cgroups = node.cgroups().groups();
        for (String group : cgroups) {
            node.cgroups().remove(group);
        }
        if (Files.isDirectory(node.groupsDir())) {
            try (Stream<Path> dirs = Files.list(node.groupsDir())) {
                for (Path dir : dirs.toList()) {
                    Directories.delete(dir.resolve("containers"));
                    Directories.delete(dir.resolve("volumes"));
                }
            }
        }
        return new Cleaned(containers.size(), mounts.size(), networks.size(), cgroups.size());
    }
}
