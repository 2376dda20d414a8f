package dev.drydock.tasks.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The task service's settings ({@code drydock.tasks.*}). */
@ConfigMapping(prefix = "drydock.tasks")
public interface TasksConfig {

    /** Where sources, run workspaces and buildah's storage live. */
    @WithDefault("${DRYDOCK_DATA_DIR:target/task-data}")
    String dataDir();

    /**
     * This replica's stable name: after a restart it finishes the runs it held as Error. Defaults to the host name,
     * which is stable for a StatefulSet pod or a machine.
     */
    Optional<String> workerId();

    /** The agent pool this replica's workers serve; runs name theirs (agentPoolName), "default" when they do not. */
    @WithDefault("default")
    String agentPool();

    /** Runs this replica executes at once. */
    @WithDefault("2")
    int concurrency();

    /** How often idle workers look for queued runs when no wake-up came. */
    @WithDefault("2s")
    Duration pollInterval();

    /** A run whose worker has not touched it for this long is finished as Error by any replica. */
    @WithDefault("90s")
    Duration abandonedAfter();

    /** Largest build context accepted, unpacked. */
    @WithDefault("2147483648")
    long maxContextBytes();

    /** How long a finished run's log is kept (ACR keeps 30 days); the run's record stays. */
    @WithDefault("30d")
    Duration logRetention();

    /** How long uploaded sources are kept for runs to use. */
    @WithDefault("24h")
    Duration sourceRetention();

    Registry registry();

    Buildah buildah();

    Auth auth();

    Instances instances();

    Sandbox sandbox();

    /**
     * Where a build's untrusted code runs: as an unprivileged account whose user namespaces map root to itself, in a
     * network namespace of its own that reaches the outside world but not this host or other sandboxes, in a cgroup
     * with CPU, memory and process limits that is killed as a whole when the step ends.
     */
    interface Sandbox {
        /** false only where every build is trusted (a single developer's machine): builds then run as this process. */
        @WithDefault("true")
        boolean enabled();

        /** The host account builds run as; created with subordinate ids when missing. */
        @WithDefault("drydock-build")
        String user();

        /** The /16 the sandboxes' /30 networks come from (a.b.0.0); must not overlap the host's own networks. */
        @WithDefault("10.89.0.0")
        String subnet();

        /** CPUs a build gets when its run does not say (ACR's default agent has 2). */
        @WithDefault("2")
        int defaultCpu();

        @WithDefault("4")
        double memoryInGb();

        /** Processes (threads included) a build may have at once: enough for compilers, too few for a fork bomb. */
        @WithDefault("1024")
        long pids();
    }

    interface Instances {
        /** Where instance-service is, which runs cmd steps as one-shot container groups; absent: cmd steps fail. */
        Optional<String> url();

        /** Resources of a cmd step's container (ACI's defaults for a single-container group). */
        @WithDefault("1")
        double cpu();

        @WithDefault("1.5")
        double memoryInGb();
    }

    interface Registry {
        /** How this service reaches the registry service (its token endpoint and the default registry). */
        @WithDefault("http://127.0.0.1:8080")
        String url();

        /** Login servers are {@code <name>.<domain>}; must equal the registry's drydock.registry.domain. */
        @WithDefault("drydock.localhost")
        String domain();

        /** The service identity the registry knows (drydock.registry.auth.task-service-secret). */
        @WithDefault("task-service")
        String serviceUser();

        Optional<String> serviceSecret();

        /**
         * Registries outside Drydock reached with plain http (host, host:port or *.domain), as
         * containers-registries.conf's insecure = true; every other one needs https with a valid certificate.
         */
        Optional<List<String>> insecureRegistries();
    }

    interface Buildah {
        @WithDefault("buildah")
        String binary();

        /** vfs works everywhere (no overlay mounts in containers, no fuse); overlay is faster where available. */
        @WithDefault("vfs")
        String storageDriver();

        /** chroot needs no user namespaces or runc inside the service's container. */
        @WithDefault("chroot")
        String isolation();
    }

    interface Auth {
        /** Callers of /api/v1 present registry credentials (the administrator or the registry's admin user). */
        @WithDefault("true")
        boolean enabled();

        /** How long a successful credential check is remembered. */
        @WithDefault("60s")
        Duration cache();
    }
}
