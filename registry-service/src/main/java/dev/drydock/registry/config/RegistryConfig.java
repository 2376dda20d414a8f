package dev.drydock.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "drydock.registry")
public interface RegistryConfig {

    /** Where blob bytes and uploads in progress live. */
    Path storageRoot();

    /** The largest manifest accepted (the spec asks for at least 4 MB). */
    @WithDefault("4194304")
    int maxManifestBytes();

    /** Uploads untouched for this long are abandoned: their session and bytes are removed (Distribution: 168h). */
    @WithDefault("7d")
    Duration uploadExpiry();

    /** The most entries one tag list, catalog or referrers page holds when the client names no n. */
    @WithDefault("1000")
    int defaultPageSize();

    /**
     * Registries' login servers are {@code <name>.<domain>}: a request whose Host is one of them addresses that
     * registry.
     */
    @WithDefault("drydock.localhost")
    String domain();

    /**
     * Hosts (without port) that also mean the default registry, in requests and in image references: the names the
     * service is reached by besides login servers.
     */
    @WithDefault("localhost,127.0.0.1")
    List<String> defaultHosts();

    /**
     * What a request for any other host gets: {@code refuse} (421, naming the hosts that are served) or
     * {@code default} (the default registry, for a deployment reached by names it cannot list).
     */
    @WithDefault("refuse")
    UnknownHosts unknownHosts();

    enum UnknownHosts { REFUSE, DEFAULT }

    /**
     * The scheme clients reach the service by, for the absolute URLs it prints (the token realm); absent: the
     * connection's own (set https behind a TLS-terminating proxy).
     */
    Optional<String> publicScheme();

    /** The port clients reach the service by, for the same URLs; absent: the port the connection arrived at. */
    Optional<Integer> publicPort();

    /**
     * Registries outside Drydock that imports reach with plain http (host, host:port or *.domain), as
     * containers-registries.conf's insecure = true; every other one needs https with a valid certificate.
     */
    Optional<List<String>> insecureRegistries();

    /** Storage each SKU includes, enforced as a quota on blob uploads. */
    IncludedStorage includedStorage();

    Gc gc();

    Auth auth();

    Webhooks webhooks();

    Cache cache();

    Site site();

    interface IncludedStorage {
        @WithDefault("10737418240")
        long basic();

        @WithDefault("107374182400")
        long standard();

        @WithDefault("536870912000")
        long premium();
    }

    /** Online garbage collection of blobs no manifest references, and of files no row knows. */
    interface Gc {
        @WithDefault("true")
        boolean enabled();

        /** How often a collection runs. */
        @WithDefault("10m")
        Duration interval();

        /**
         * How long an unreferenced blob or link is kept: a client that checked a blob exists (HEAD) and pushes its
         * manifest within this time never finds it gone.
         */
        @WithDefault("24h")
        Duration grace();

        /** Links or blobs removed per transaction. */
        @WithDefault("500")
        int batchSize();
    }

    /** Identity and access (ARCHITECTURE §5). */
    interface Auth {
        /**
         * Whether /v2, /acr/v1 and /api/v1 demand credentials. Turning it off leaves every endpoint open: for tests of
         * content rather than access, and for the benchmark against an unauthenticated Distribution.
         */
        @WithDefault("true")
        boolean enabled();

        /** The bootstrap administrator: every registry, every action, and the management API. */
        @WithDefault("drydock-admin")
        String managementUser();

        /**
         * Its password. Without one, the first start generates one into {@link #managementPasswordFile()} (only the
         * service's user can read it) and says where; later starts read it from there.
         */
        Optional<String> managementPassword();

        /** Where a generated administrator password is kept. */
        @WithDefault("${DRYDOCK_DATA_DIR:data}/management-password")
        Path managementPasswordFile();

        /**
         * The key (AES-256, hex) that encrypts the token signing keys in the database, so a copy of the database
         * (a backup, a SQL injection, a stolen dump) cannot forge tokens. Generated into the file at the first start
         * when absent; in Kubernetes, a Secret mounted there. Losing it means new signing keys (every token dies).
         */
        @WithDefault("${DRYDOCK_DATA_DIR:data}/signing-key-encryption-key")
        Path signingKeyEncryptionKeyFile();

        /** The secret task-service authenticates with (as user task-service); absent: it cannot. */
        Optional<String> taskServiceSecret();

        /** The secret instance-service authenticates with (as user instance-service); absent: it cannot. */
        Optional<String> instanceServiceSecret();

        /**
         * The secret every site of a geo-replicated deployment shares: sites call each other with it as the
         * replication identity ({@code drydock-replicator}: pull and metadata reads, and the sites API). Absent: it
         * cannot.
         */
        Optional<String> replicationSecret();

        /** The service identities that have a secret: user name to secret. */
        default Map<String, String> services() {
            Map<String, String> services = new HashMap<>();
            taskServiceSecret().filter(s -> !s.isBlank()).ifPresent(s -> services.put("task-service", s));
            instanceServiceSecret().filter(s -> !s.isBlank()).ifPresent(s -> services.put("instance-service", s));
            replicationSecret().filter(s -> !s.isBlank()).ifPresent(s -> services.put(REPLICATOR, s));
            return services;
        }

        /** The user name sites call each other as. */
        String REPLICATOR = "drydock-replicator";

        /** How long an access token lives (ACR: 75 min; Distribution's default: 60 s). */
        @WithDefault("15m")
        Duration accessTokenLifetime();

        /** How long a refresh token lives (ACR: 3 h). */
        @WithDefault("3h")
        Duration refreshTokenLifetime();

        /**
         * Multiplies every per-identity rate limit (ACR's: reads 5,000/min, writes 1,000/min, deletes 500/min on
         * Basic and Standard; 10,000, 2,000, 2,000 on Premium). 0 turns rate limiting off.
         */
        @WithDefault("1.0")
        double rateLimitScale();

        /** How long a successful password check is remembered, so busy clients do not pay the slow hash each time. */
        @WithDefault("60s")
        Duration credentialCache();

        Throttle throttle();
    }

    /**
     * Password guessing: failed authentications are counted per source address and per user name (in PostgreSQL,
     * so every replica sees them); past the limit the caller gets 429 before any password is hashed, for a block
     * that doubles with each further failure.
     */
    interface Throttle {
        @WithDefault("true")
        boolean enabled();

        /** Failures of one user name of one registry before it is blocked. */
        @WithDefault("5")
        int userFailures();

        /** Failures from one address (any user names) before it is blocked. */
        @WithDefault("30")
        int addressFailures();

        /** A counter with no failure for this long starts again. */
        @WithDefault("15m")
        Duration window();

        @WithDefault("2s")
        Duration firstBlock();

        @WithDefault("15m")
        Duration longestBlock();
    }

    interface Webhooks {
        /** Deliveries are attempted this often before they are marked failed. ACR tries once. */
        @WithDefault("6")
        int maxAttempts();

        /** The wait before the second attempt; each further wait doubles. */
        @WithDefault("2s")
        Duration initialBackoff();

        @WithDefault("10s")
        Duration timeout();

        /** How often the dispatcher looks for due retries when no new delivery woke it. */
        @WithDefault("1s")
        Duration poll();

        /** Finished deliveries (delivered or failed) stay in the event log this long; GC removes older ones. */
        @WithDefault("30d")
        Duration logRetention();
    }

    /** The artifact cache (pull-through from upstream registries). */
    interface Cache {
        /** A cached tag pulled again after this long is checked upstream (ACR's tags move within about 5 min). */
        @WithDefault("5m")
        Duration freshness();

        @WithDefault("5s")
        Duration connectTimeout();

        /** From a request to the upstream's response headers. */
        @WithDefault("30s")
        Duration responseTimeout();

        /** A blob fill that receives nothing from upstream for this long is abandoned. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** How many cached tags remember when they were last checked (least recently checked go first). */
        @WithDefault("100000")
        int freshnessEntries();

        /**
         * Upstream hosts ({@code host} or {@code host:port}) that rules may name although they are loopback or
         * link-local addresses, where the control plane and cloud metadata services live; none by default.
         */
        Optional<List<String>> localUpstreams();
    }

    /** Geo-replication: this deployment as one site of several (docs/decisions/0015). */
    interface Site {
        /** This site's name, its ACR "location" (west, eastus); absent: no geo-replication. */
        Optional<String> name();

        /** The other sites: {@code name=url} of each one's registry service, comma-separated. */
        Optional<List<String>> peers();

        /** How often the home site sends each replicated registry's configuration (credentials) to its replicas. */
        @WithDefault("10s")
        Duration configurationSync();

        /** How often the replicator looks for due work (retries) when no new event woke it. */
        @WithDefault("1s")
        Duration poll();

        /** Copies the replicator runs at once (each of another repository). */
        @WithDefault("4")
        int concurrency();

        /** Failed copies are retried after this, doubling up to {@link #longestBackoff()}. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("60s")
        Duration longestBackoff();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("60s")
        Duration responseTimeout();
    }
}
