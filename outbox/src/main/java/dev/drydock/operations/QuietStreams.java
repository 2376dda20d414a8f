package dev.drydock.operations;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A followed log may say nothing for minutes (a quiet build step, a sleeping container) while its client waits on
 * purpose, so its connection leaves the server's idle timeout ({@code quarkus.http.idle-timeout}, which ends
 * half-sent requests and silent connections) while the stream lasts, and gets it back when the last such stream on
 * it ends (an HTTP/2 connection may carry several). Vert.x names a connection's idle handler "idle".
 */
final class QuietStreams {

    private static final String IDLE = "idle";
    /** How many quiet streams a connection carries now, and the bound it had before the first. */
    private static final AttributeKey<Exemption> EXEMPTION = AttributeKey.valueOf("drydock.quiet-streams");

    private QuietStreams() {
    }

    private static final class Exemption {
        IdleStateHandler removed;
        String before;
        int streams;
    }

    /** Runs on the connection's event loop, as every route does. */
    static void keepOpenWhileQuiet(RoutingContext ctx) {
        if (!(ctx.request().connection() instanceof ConnectionBase connection)) {
            return;
        }
        Channel channel = connection.channel();
        Exemption exemption = channel.attr(EXEMPTION).get();
        if (exemption == null) {
            exemption = new Exemption();
            channel.attr(EXEMPTION).set(exemption);
        }
        exemption.streams++;
        Exemption held = exemption;
        // later on the loop: a request that upgrades its connection to HTTP/2 (h2c) is served before the upgrade
        // rebuilds the pipeline, with a new idle handler
        channel.eventLoop().execute(() -> detach(channel, held));
        ctx.addEndHandler(done -> channel.eventLoop().execute(() -> release(channel, held)));
    }

    private static void detach(Channel channel, Exemption exemption) {
        ChannelPipeline pipeline = channel.pipeline();
        if (exemption.streams == 0 || !(pipeline.get(IDLE) instanceof IdleStateHandler handler)) {
            return;
        }
        List<String> names = pipeline.names();
        int at = names.indexOf(IDLE);
        exemption.removed = handler;
        exemption.before = at + 1 < names.size() ? names.get(at + 1) : null;
        pipeline.remove(IDLE);
    }

    private static void release(Channel channel, Exemption exemption) {
        if (--exemption.streams > 0 || !channel.isActive() || exemption.removed == null) {
            return;
        }
        channel.attr(EXEMPTION).set(null);
        // a removed IdleStateHandler cannot be added again: a new one with its bounds
        IdleStateHandler bound = new IdleStateHandler(exemption.removed.getReaderIdleTimeInMillis(),
                exemption.removed.getWriterIdleTimeInMillis(), exemption.removed.getAllIdleTimeInMillis(),
                TimeUnit.MILLISECONDS);
        ChannelPipeline pipeline = channel.pipeline();
        if (exemption.before != null && pipeline.get(exemption.before) != null) {
            pipeline.addBefore(exemption.before, IDLE, bound);
        } else {
            pipeline.addFirst(IDLE, bound);
        }
    }
}
