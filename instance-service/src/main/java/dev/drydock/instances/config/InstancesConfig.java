package dev.drydock.instances.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The instance service's settings ({@code drydock.instances.*}). */
@ConfigMapping(prefix = "drydock.instances")
public interface InstancesConfig {

    /** Image cache, groups' state (bundles, logs, volumes) and persistent shares. */
    @WithDefault("${DRYDOCK_DATA_DIR:target/instance-data}")
    String dataDir();

    /** The runc binary. */
    @WithDefault("runc")
    String runc();

    /** Overlay mounts for containers' roots where the kernel allows them; false copies the image instead. */
    @WithDefault("true")
    boolean overlay();

    /** How long a stopped container gets between SIGTERM and SIGKILL. */
    @WithDefault("10s")
    Duration stopGrace();

    /** Each container's log (stdout and stderr) is capped at this size; older lines go first (ACI: 4 MB). */
    @WithDefault("4194304")
    long logMaxBytes();

    /** The first wait before a crashed container is started again; doubled per crash up to {@link #backoffMax}. */
    @WithDefault("10s")
    Duration backoffInitial();

    @WithDefault("5m")
    Duration backoffMax();

    /**
     * How long a group keeps retrying an image pull that failed for a passing reason (the registry unreachable,
     * throttling, a server error) before provisioning fails; a refusal (no such image, access denied) fails at once.
     */
    @WithDefault("5m")
    Duration pullDeadline();

    /** The host address published ports listen on (ACI's public IP). */
    @WithDefault("127.0.0.1")
    String publishAddress();

    /** Groups get a /30 each from this /16 (the host side of their veth pair and their own address). */
    @WithDefault("10.88.0.0")
    String subnet();

    Registry registry();

    Auth auth();

    Isolation isolation();

    Capacity capacity();

    /** What keeps a container in its group (decision 0009). */
    interface Isolation {
        /**
         * A user namespace per group: container root is an unprivileged host id (the subordinate range of
         * {@link #user}); layers are unpacked with owners shifted into that range.
         */
        @WithDefault("true")
        boolean userNamespace();

        /** The host account whose subordinate id range containers map to; created when missing. */
        @WithDefault("drydock-containers")
        String user();

        /** Processes (threads included) one container may have at once. */
        @WithDefault("1024")
        long pidsLimit();

        /** runc has no built-in profile: the containers' default one (docker's format), turned into OCI's. */
        @WithDefault("/usr/share/containers/seccomp.json")
        String seccompProfile();

        /** A static init run as each container's PID 1: it reaps orphans and forwards signals. */
        @WithDefault("/usr/bin/catatonit")
        String init();
    }

    /** What this node lets running groups request in all (ACI: a group that does not fit is refused). */
    interface Capacity {
        /** Allocatable CPUs; absent: the machine's minus {@link #reservedCpu}. */
        Optional<Double> cpu();

        /** Allocatable memory in GB; absent: the machine's minus {@link #reservedMemoryInGb}. */
        Optional<Double> memoryInGb();

        @WithDefault("0.25")
        double reservedCpu();

        @WithDefault("1")
        double reservedMemoryInGb();
    }

    interface Registry {
        /** How this service reaches the registry service: its images and its token endpoint. */
        @WithDefault("http://127.0.0.1:8080")
        String url();

        /** Login servers are {@code <name>.<domain>}; must equal the registry's drydock.registry.domain. */
        @WithDefault("drydock.localhost")
        String domain();

        /** The service identity the registry knows (drydock.registry.auth.instance-service-secret). */
        @WithDefault("instance-service")
        String serviceUser();

        Optional<String> serviceSecret();

        /**
         * Registries outside Drydock reached with plain http (host, host:port or *.domain), as
         * containers-registries.conf's insecure = true; every other one needs https with a valid certificate.
         */
        Optional<List<String>> insecureRegistries();
    }

    interface Auth {
        /** Callers of /api/v1 present the administrator's credentials (or task-service's, for cmd steps). */
        @WithDefault("true")
        boolean enabled();

        /** How long a credential check is remembered. */
        @WithDefault("60s")
        Duration cache();
    }
}
