package dev.drydock.instances.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A group's published TCP ports on the host (ACI's public IP, without port mapping: the host port is the
 * container's): each connection to {@code publishAddress:port} is piped to the group's address on the same port,
 * on Vert.x's event loops — no process per connection, and it keeps working across container restarts because the
 * address belongs to the group.
 */
public final class PortPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PortPublisher.class);

    private final List<NetServer> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final NetClient client;

    private PortPublisher(NetClient client) {
        this.client = client;
    }

    /**
     * Listens on every port; nothing stays open when one of them cannot be had.
     *
     * @throws IOException when a port is taken on the host
     */
    public static PortPublisher publish(Vertx vertx, String publishAddress, String groupAddress, List<Integer> ports)
            throws IOException {
        PortPublisher publisher = new PortPublisher(vertx.createNetClient());
        try {
            for (int port : ports) {
                NetServer server = vertx.createNetServer()
                        .connectHandler(socket -> publisher.forward(socket, groupAddress, port));
                try {
                    server.listen(port, publishAddress).toCompletionStage().toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IOException("cannot publish port " + port + " on " + publishAddress + ": "
                            + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
                }
                publisher.servers.add(server);
                publisher.ports.add(port);
            }
        } catch (IOException e) {
            publisher.close();
            throw e;
        }
        return publisher;
    }

    private void forward(NetSocket inbound, String address, int port) {
        inbound.pause();
        client.connect(port, address).onSuccess(outbound -> {
            inbound.pipeTo(outbound);
            outbound.pipeTo(inbound);
            inbound.resume();
        }).onFailure(e -> {
            LOG.debugf("published port %d: %s", port, e.getMessage());
            inbound.close();
        });
    }

    /** The ports this publisher listens on. */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    @Override
    public void close() {
        for (NetServer server : servers) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("closing a published port: %s", e.getMessage());
            }
        }
        servers.clear();
        client.close();
    }
}
