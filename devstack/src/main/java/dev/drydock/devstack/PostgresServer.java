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
 * Every login needs a password (scram-sha-256): the administrator's is generated at the first start and kept beside
 * the cluster (mode 600); each service gets a role of its own that owns its database and nothing else
 * ({@link #serviceDatabase}). A cluster made by an earlier Drydock (superuser app, trust) is converted at start.
 */
public final class PostgresServer extends SupervisedServer {

    /** The administrator of clusters this class makes; only the devstack itself logs in as it. */
    public static final String ADMIN = "postgres";
    /** The superuser of clusters made before roles per service (trust authentication). */
    static final String LEGACY_ADMIN = "app";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** A service's database, owned by a role of the same name that is no superuser and can create nothing else. */
    public record ServiceDatabase(String database, String role, String password) {
    }

    private final Path dataDir;
    private final int port;
    private final boolean durable;
    private final Path binDir;
    private final GeneratedSecrets secrets;
    private String admin = ADMIN;
    private String adminPassword;

    /**
     * @param durable false for throwaway test clusters: no fsync, so a test database costs no disk flushes
     */
    public PostgresServer(Path dataDir, int port, boolean durable) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.durable = durable;
        this.binDir = findBinDir();
        this.secrets = new GeneratedSecrets(
                this.dataDir.resolveSibling(this.dataDir.getFileName() + "-secrets"), "PostgreSQL");
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

    @Override
    public synchronized void start(Duration timeout) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        adminPassword = secrets.get("admin");
        Path adminRole = secrets.dir().resolve("admin-role");
        boolean legacy = false;
        try {
            if (Files.exists(adminRole)) {
                admin = Files.readString(adminRole).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + adminRole, e);
        }
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            initdb(log);
        } else {
            legacy = trusting();
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
        if (legacy) {
            admin = LEGACY_ADMIN;
            awaitReady(timeout);
            convertLegacy();
        }
        awaitReady(timeout);
    }

    /** Whether the cluster still lets anyone in without a password (made by an earlier Drydock). */
    private boolean trusting() {
        try {
            return Files.readAllLines(dataDir.resolve("pg_hba.conf")).stream()
                    .anyMatch(l -> !l.startsWith("#") && l.matches(".*\\strust\\s*$"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDir.resolve("pg_hba.conf"), e);
        }
    }

    /** The old superuser gets the administrator's password, then every login needs one. */
    private void convertLegacy() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("alter role " + LEGACY_ADMIN + " password " + literal(adminPassword));
            Files.writeString(secrets.dir().resolve("admin-role"), LEGACY_ADMIN);
            Path hba = dataDir.resolve("pg_hba.conf");
            List<String> lines = Files.readAllLines(hba).stream()
                    .map(l -> l.startsWith("#") ? l : l.replaceAll("\\strust\\s*$", " scram-sha-256")).toList();
            Files.write(hba, lines);
            s.execute("select pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot secure the existing PostgreSQL cluster: " + e.getMessage(), e);
        }
    }

    /**
     * The database {@code name} owned by the role {@code name} (created with a generated password, kept beside the
     * cluster), closed to every other role; a database an earlier Drydock made is handed over with its objects.
     */
    public ServiceDatabase serviceDatabase(String name) {
        requireValidName(name);
        String password = secrets.get("role-" + name);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            boolean roleExists;
            try (ResultSet rs = s.executeQuery("select 1 from pg_roles where rolname = " + literal(name))) {
                roleExists = rs.next();
            }
            s.execute((roleExists ? "alter" : "create") + " role " + name + " login nosuperuser nocreatedb"
                    + " nocreaterole noinherit noreplication password " + literal(password));
            createDatabase(c, name);
            s.execute("alter database " + name + " owner to " + name);
            s.execute("revoke all on database " + name + " from public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up database " + name + ": " + e.getMessage(), e);
        }
        try (Connection c = connect(name); Statement s = c.createStatement()) {
            // tables, sequences and views a previous owner made become the role's
            s.execute("alter schema public owner to " + name);
            s.execute("do $$ declare r record; begin for r in select format('alter %s %I.%I owner to " + name + "',"
                    + " case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'"
                    + " else 'table' end, n.nspname, c.relname) as q from pg_class c join pg_namespace n on n.oid ="
                    + " c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v', 'm')"
                    + " and pg_get_userbyid(c.relowner) <> " + literal(name)
                    + " loop execute r.q; end loop; end $$");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot hand database " + name + " to its role: " + e.getMessage(), e);
        }
        return new ServiceDatabase(name, name, password);
    }

    /** A SQL string literal; the values are generated hex or checked names, never a caller's text. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
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
        Path pwfile;
        try {
            // initdb (as postgres when root) reads the administrator's password from a file of its own, removed after
            pwfile = Files.createTempFile(dataDir.getParent(), ".pw-", "");
            Files.writeString(pwfile, adminPassword + "\n");
            if (Processes.isRoot()) {
                Processes.run(List.of("chown", "postgres:postgres", pwfile.toString()), log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the administrator's password for initdb", e);
        }
        try {
            List<String> initdb = new ArrayList<>(asServerUser());
            initdb.addAll(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", ADMIN,
                    "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"));
            if (!durable) {
                initdb.add("--no-sync");
            }
            Processes.run(initdb, log);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + pwfile, e);
            }
        }
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

    /** Creates the database (a checked name) unless it exists, on the administrator's connection. */
    private static void createDatabase(Connection c, String name) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement create = c.createStatement()) {
            create.execute("create database " + name);
        }
    }

    private static void requireValidName(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), admin, adminPassword);
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
