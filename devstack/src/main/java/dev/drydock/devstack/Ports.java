package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/** Loopback ports: finding free ones and waiting for a listener. */
public final class Ports {

    private Ports() {
    }

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something listens on the port, or fails if the process died or the time ran out. */
    public static void awaitListening(int port, SupervisedProcess process, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited before it listened on port " + port);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(process.name() + " did not listen on port " + port + " within " + timeout);
            }
            Pause.briefly();
        }
    }
}
