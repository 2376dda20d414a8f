package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "The outside world" for isolation tests (root only): a network namespace of the test's own with a web server,
 * routed through the host like a package mirror on the internet, so a test can prove that a sandbox reaches the
 * world while it reaches nothing of the host. Its address is 10.199.&lt;n&gt;.2; the host end of its veth is
 * {@code xout<n>}, a name no firewall of Drydock's fences.
 */
public final class OutsideWorld implements AutoCloseable {

    public static final int PORT = 8099;
    private final String namespace;
    private final String address;
    private final Process server;
    private final Path www;

    private OutsideWorld(String namespace, String address, Process server, Path www) {
        this.namespace = namespace;
        this.address = address;
        this.server = server;
        this.www = www;
    }

    /** Serves {@code file} with {@code content} at http://10.199.{n}.2:8099/{file}. */
    public static OutsideWorld start(int n, String file, String content) {
        String namespace = "dtest-outside-" + n;
        String address = "10.199." + n + ".2";
        try {
            run("ip", "netns", "delete", namespace);
            check("ip", "netns", "add", namespace);
            check("ip", "link", "add", "xout" + n, "type", "veth", "peer", "name", "eth0", "netns", namespace);
            check("ip", "addr", "add", "10.199." + n + ".1/30", "dev", "xout" + n);
            check("ip", "link", "set", "xout" + n, "up");
            check("ip", "-n", namespace, "addr", "add", address + "/30", "dev", "eth0");
            check("ip", "-n", namespace, "link", "set", "eth0", "up");
            Path www = Files.createTempDirectory("outside-www");
            Files.writeString(www.resolve(file), content + "\n");
            Process server = new ProcessBuilder("ip", "netns", "exec", namespace, "busybox", "httpd", "-f", "-p",
                    address + ":" + PORT, "-h", www.toString()).redirectErrorStream(true).start();
            return new OutsideWorld(namespace, address, server, www);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the outside world " + namespace, e);
        }
    }

    public String address() {
        return address;
    }

    @Override
    public void close() {
        server.destroyForcibly();
        try {
            server.waitFor(10, TimeUnit.SECONDS);
            run("ip", "netns", "delete", namespace);
            Directories.deleteRecursively(www);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every IPv4 address of this host but loopback's: where a service bound to 0.0.0.0 answers. */
    public static List<String> hostAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isLoopback() && nic.isUp()) {
                    Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address)
                            .forEach(a -> addresses.add(a.getHostAddress()));
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        return addresses;
    }

    private static void check(String... command) throws IOException {
        String output = run(command);
        if (output != null) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** @return null when the command succeeded, else its output */
    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : output.strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
