package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster from the installed server binaries, listening on 127.0.0.1 only, supervised so that
 * it stops with the JVM that started it. PostgreSQL refuses to run as root, so as root it runs as the postgres user.
 */
public final class PostgresServer extends SupervisedServer {

    public static final String USER = "app";
    public static final String PASSWORD = "app";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final Path dataDir;
    private final int port;
    private final boolean durable;
    private final Path binDir;

    /**
     * @param durable false for throwaway test clusters: no fsync, so a test database costs no disk flushes
     */
    public PostgresServer(Path dataDir, int port, boolean durable) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.durable = durable;
        this.binDir = findBinDir();
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    public synchronized void start(Duration timeout) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            initdb(log);
        }
        List<String> command = new ArrayList<>(asServerUser());
        command.addAll(List.of(binDir.resolve("postgres").toString(), "-D", dataDir.toString(),
                "-p", String.valueOf(port), "-h", "127.0.0.1", "-k", "",
                "-c", "max_connections=300"));
        if (!durable) {
            command.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        }
        // SIGINT is PostgreSQL's "fast shutdown": abort sessions, checkpoint, exit.
        running(SupervisedProcess.start("postgres", command, Map.of(), "INT", log, 30));
        awaitReady(timeout);
    }

    private void initdb(Path log) {
        try {
            Files.createDirectories(dataDir);
            if (Processes.isRoot()) {
                requireReachableByOthers(dataDir.getParent());
                Processes.run(List.of("chown", "postgres:postgres", dataDir.toString()), log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        List<String> initdb = new ArrayList<>(asServerUser());
        initdb.addAll(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"));
        if (!durable) {
            initdb.add("--no-sync");
        }
        Processes.run(initdb, log);
    }

    /** As root the server runs as postgres, which cannot enter a directory closed to others (say, /root). */
    private static void requireReachableByOthers(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("the postgres user cannot reach " + dir + " because " + p
                        + " is closed to others; choose a directory outside it (DRYDOCK_HOME) or chmod o+x " + p);
            }
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException e) {
                if (!isRunning()) {
                    throw new IllegalStateException("postgres exited during start-up; see its log beside " + dataDir);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("postgres not ready within " + timeout + ": " + e.getMessage());
                }
                Pause.briefly();
            }
        }
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        requireValidName(name);
        try (Connection c = connect("postgres");
                PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("create database " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    private static void requireValidName(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    private static List<String> asServerUser() {
        return Processes.isRoot()
                ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--")
                : List.of();
    }

    /** The newest installed PostgreSQL, or the one DRYDOCK_PG_BIN names. */
    static Path findBinDir() {
        String override = System.getenv("DRYDOCK_PG_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions
                    .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(v -> parseVersion(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> missingServer());
        } catch (IOException e) {
            throw missingServer();
        }
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalStateException missingServer() {
        return new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql; "
                + "install them with: sudo apt-get install -y postgresql (or set DRYDOCK_PG_BIN)");
    }
}
