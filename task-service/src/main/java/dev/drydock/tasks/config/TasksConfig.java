package dev.drydock.tasks.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
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

        /** Plain HTTP to the registry (the local stack); a TLS-fronted registry sets this to true. */
        @WithDefault("false")
        boolean tlsVerify();
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
