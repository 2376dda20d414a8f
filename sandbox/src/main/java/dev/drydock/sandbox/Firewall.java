package dev.drydock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An nftables table owned by one service: replaced as a whole (atomically, in one {@code nft -f}) when the service
 * starts and deleted when it stops, so the host never holds half a rule set and another service's table is never
 * touched. Tables of the {@code inet} family see IPv4 and IPv6 alike.
 */
public final class Firewall {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Firewall() {
    }

    /** Whether nft is installed and usable by this process. */
    public static boolean available() {
        try {
            return HostCommand.run(List.of("nft", "list", "tables"), TIMEOUT).ok();
        } catch (IOException e) {
            return false;
        }
    }

    /** Replaces table {@code inet <table>} with {@code body} (the text between the table's braces). */
    public static void apply(String table, String body) throws IOException {
        check(table);
        Path file = Files.createTempFile("drydock-nft-", ".nft");
        try {
            // declaring the table first makes the delete valid whether or not it existed
            Files.writeString(file, "table inet " + table + "\ndelete table inet " + table + "\ntable inet " + table
                    + " {\n" + body + "\n}\n");
            HostCommand.check(List.of("nft", "-f", file.toString()), TIMEOUT);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public static void remove(String table) throws IOException {
        check(table);
        if (HostCommand.run(List.of("nft", "list", "table", "inet", table), TIMEOUT).ok()) {
            HostCommand.check(List.of("nft", "delete", "table", "inet", table), TIMEOUT);
        }
    }

    /**
     * The body of a table that fences the sandboxes whose host-side links match {@code links} (a prefix): they reach
     * the outside world (masqueraded from {@code subnet}/16) and nothing of this host (input from them is rejected,
     * so its loopback-bound and 0.0.0.0-bound services alike, but for {@code inputAccepts}), not each other, not the
     * sandboxes behind {@code otherLinks}; replies to what the host opened pass, nothing else enters a sandbox.
     *
     * @param declarations sets and the like the accepts refer to
     * @param inputAccepts matches (without the verdict) of what the host accepts from them
     */
    public static String fence(String links, String otherLinks, String subnet, List<String> declarations,
            List<String> inputAccepts) {
        String from = "iifname \"" + links + "*\" ";
        List<String> lines = new ArrayList<>(declarations);
        lines.addAll(List.of(
                "  chain input {",
                "    type filter hook input priority filter - 5; policy accept;",
                "    " + from + "ct state established,related accept"));
        inputAccepts.forEach(accept -> lines.add("    " + from + accept + " accept"));
        lines.addAll(List.of(
                "    " + from + "counter reject",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter - 5; policy accept;",
                "    " + from + "oifname \"" + links + "*\" counter reject",
                "    " + from + "oifname \"" + otherLinks + "*\" counter reject",
                "    oifname \"" + links + "*\" ct state established,related accept",
                "    oifname \"" + links + "*\" counter drop",
                "  }",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    ip saddr " + subnet + "/16 oifname != \"" + links + "*\" masquerade",
                "  }"));
        return String.join("\n", lines);
    }

    /** Lets the host route sandboxes' packets to the outside world (what podman and docker set too). */
    public static void enableForwarding() throws IOException {
        Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
        if (!Files.readString(forward).strip().equals("1")) {
            Files.writeString(forward, "1");
        }
    }

    private static void check(String table) {
        if (!table.matches("[a-z][a-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("not an nftables table name: " + table);
        }
    }
}
