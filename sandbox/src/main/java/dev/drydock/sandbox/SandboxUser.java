package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The unprivileged host account untrusted code runs as, with a subordinate id range for the user namespaces it
 * creates (root inside maps to this account, everything else to ids no host file belongs to). Created when missing:
 * a system account without a home or a login shell.
 */
public record SandboxUser(String name, int uid, int gid) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
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
        if (!hasRange(Path.of("/etc/subuid"), name) || !hasRange(Path.of("/etc/subgid"), name)) {
            long start = Math.max(FIRST, Math.max(end(Path.of("/etc/subuid")), end(Path.of("/etc/subgid"))));
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
        long[] uids = range(Path.of("/etc/subuid"), name);
        long[] gids = range(Path.of("/etc/subgid"), name);
        if (uids == null || gids == null || uids[0] != gids[0] || uids[1] != gids[1]) {
            throw new IOException("the account " + name + " needs the same subordinate range in /etc/subuid and"
                    + " /etc/subgid");
        }
        return uids;
    }

    private static long[] range(Path file, String name) throws IOException {
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.split(":");
                if (parts.length == 3 && parts[0].equals(name) && parts[1].matches("\\d+") && parts[2].matches("\\d+")) {
                    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
                }
            }
        }
        return null;
    }

    /** {@code command} run as this account with no supplementary groups and no capabilities. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--inh-caps=-all", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean hasRange(Path file, String name) throws IOException {
        return Files.exists(file) && Files.readAllLines(file).stream().anyMatch(l -> l.startsWith(name + ":"));
    }

    /** The first id after every range the file hands out. */
    private static long end(Path file) throws IOException {
        long end = 0;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.split(":");
                if (parts.length == 3 && parts[1].matches("\\d+") && parts[2].matches("\\d+")) {
                    end = Math.max(end, Long.parseLong(parts[1]) + Long.parseLong(parts[2]));
                }
            }
        }
        return end;
    }
}
