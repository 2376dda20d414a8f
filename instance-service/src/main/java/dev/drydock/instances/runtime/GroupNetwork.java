package dev.drydock.instances.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container group's network namespace (ACI: the containers of a group share localhost): a named namespace with
 * its loopback up, which every container of the group joins; deleted with the group.
 */
public final class GroupNetwork {

    private static final String PREFIX = "drydock-";

    private GroupNetwork() {
    }

    /** Creates the namespace (again, if a previous one was left). @return its path, for the runtime config */
    public static Path create(String group) throws IOException {
        String name = name(group);
        if (exists(group)) {
            delete(group);
        }
        ip(List.of("netns", "add", name));
        ip(List.of("-n", name, "link", "set", "lo", "up"));
        return Path.of("/var/run/netns", name);
    }

    public static void delete(String group) throws IOException {
        if (exists(group)) {
            ip(List.of("netns", "delete", name(group)));
        }
    }

    public static boolean exists(String group) throws IOException {
        return run(List.of("ip", "netns", "list")).lines().anyMatch(line -> line.split(" ")[0].equals(name(group)));
    }

    private static String name(String group) {
        if (!group.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new IllegalArgumentException("not a group name: " + group);
        }
        return PREFIX + group;
    }

    private static void ip(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(arguments);
        run(command);
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
    }
}
