package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The unprivileged host account untrusted code runs as, with a subordinate id range for the user namespaces it
 * creates (root inside maps to this account, everything else to ids no host file belongs to). Created when missing:
 * a system account without a home or a login shell.
 */
public record SandboxUser(String name, int uid, int gid) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path SUBUID = Path.of("/etc/subuid");
    private static final Path SUBGID = Path.of("/etc/subgid");
    private static final int RANGE = 65536;
    private static final long FIRST = 100_000;

    /** The account {@code name}, created (with subordinate uids and gids) if this host has none. */
    public static SandboxUser ensure(String name) throws IOException {
        if (!name.matches("[a-z_][a-z0-9_-]{0,30}")) {
            throw new IllegalArgumentException("not a user name: " + name);
        }
        if (!HostCommand.run(List.of("id", "-u", name), TIMEOUT).ok()) {
            HostCommand.check(List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", "--user-group", name), TIMEOUT);
        }
        if (range(SUBUID, name) == null || range(SUBGID, name) == null) {
            long start = FIRST;
            for (Range taken : ranges(SUBUID, SUBGID)) {
                start = Math.max(start, taken.start() + taken.count());
            }
            String range = start + "-" + (start + RANGE - 1);
            HostCommand.check(List.of("usermod", "--add-subuids", range, "--add-subgids", range, name), TIMEOUT);
        }
        int uid = Integer.parseInt(HostCommand.check(List.of("id", "-u", name), TIMEOUT).strip());
        int gid = Integer.parseInt(HostCommand.check(List.of("id", "-g", name), TIMEOUT).strip());
        return new SandboxUser(name, uid, gid);
    }

    /**
     * The account's subordinate id range, {start, count}: the same for uids and gids, so one map serves both.
     *
     * @throws IOException when the account has none, or different ones for uids and gids
     */
    public long[] subordinateRange() throws IOException {
        Range uids = range(SUBUID, name);
        Range gids = range(SUBGID, name);
        if (uids == null || !uids.equals(gids)) {
            throw new IOException("the account " + name + " needs the same subordinate range in /etc/subuid and"
                    + " /etc/subgid");
        }
        return new long[] {uids.start(), uids.count()};
    }

    /** One line of /etc/subuid or /etc/subgid. */
    private record Range(String owner, long start, long count) {
    }

    /** The account's range in {@code file}, or null. */
    private static Range range(Path file, String name) throws IOException {
        return ranges(file).stream().filter(r -> r.owner().equals(name)).findFirst().orElse(null);
    }

    /** Every well-formed range the files hand out. */
    private static List<Range> ranges(Path... files) throws IOException {
        List<Range> ranges = new ArrayList<>();
        for (Path file : files) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    String[] parts = line.split(":");
                    if (parts.length == 3 && parts[1].matches("\\d+") && parts[2].matches("\\d+")) {
                        ranges.add(new Range(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
                    }
                }
            }
        }
        return ranges;
    }

    /** {@code command} run as this account with no supplementary groups and no capabilities. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--inh-caps=-all", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
