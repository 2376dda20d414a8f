package dev.drydock.instances.api;

import dev.drydock.instances.runtime.DaemonThreads;
import dev.drydock.instances.service.GroupService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ACI's interactive exec: {@code POST …/exec} with {@code interactive: true} answers a WebSocket URI and a password
 * that opens it once within a minute; the client sends the password as its first message, then keystrokes, and
 * receives the terminal's output; the socket closes with "exit N" when the command ends. The socket is not under
 * /api: the one-time password, made for an administrator's request, is its authentication.
 */
@ApplicationScoped
public class ExecSessions {

    private static final Logger LOG = Logger.getLogger(ExecSessions.class);
    static final String PATH = "/exec/";
    private static final Duration OPEN_WITHIN = Duration.ofSeconds(60);
    private static final Duration PASSWORD_WITHIN = Duration.ofSeconds(10);
    /** A session ends after this however busy it is: nothing of a tenant's runs unbounded. */
    private static final Duration SESSION_MAX = Duration.ofHours(1);
    private static final int MAX_PENDING = 64;
    private static final int MAX_ACTIVE = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A session asked for and not yet opened. */
    record Pending(String group, String container, List<String> command, int rows, int columns, byte[] password,
            long expiresAt) {
    }

    /** What the exec call answers (ACI's names). */
    public record Opened(String webSocketUri, String password) {
    }

    /** More sessions than a node keeps: 429. */
    public static final class TooManySessions extends RuntimeException {
        TooManySessions(String message) {
            super(message);
        }
    }

    private final GroupService groups;
    private final Vertx vertx;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final ExecutorService pumps = Executors.newCachedThreadPool(DaemonThreads.named("exec-pump"));

    private final Duration ping;

    /** @param idleTimeout the server's: a session pings well within it so a quiet shell keeps its connection */
    ExecSessions(GroupService groups, Vertx vertx,
            @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        this.groups = groups;
        this.vertx = vertx;
        this.ping = Duration.ofMillis(Math.max(1000, idleTimeout.toMillis() / 3));
    }

    void routes(@Observes Router router) {
        router.route(PATH + ":id").handler(this::upgrade);
    }

    /** A session for a running container; {@code base} is ws[s]://host the client reached this service by. */
    public Opened open(String base, String group, String container, List<String> command, int rows, int columns) {
        groups.requireRunning(group, container);
        long now = System.nanoTime();
        pending.values().removeIf(p -> p.expiresAt() < now);
        if (pending.size() >= MAX_PENDING || active.get() >= MAX_ACTIVE) {
            throw new TooManySessions("this node has " + active.get() + " interactive exec sessions open and "
                    + pending.size() + " waiting; at most " + MAX_ACTIVE);
        }
        byte[] password = new byte[24];
        RANDOM.nextBytes(password);
        String id = UUID.randomUUID().toString();
        pending.put(id, new Pending(group, container, List.copyOf(command), rows, columns, password,
                now + OPEN_WITHIN.toNanos()));
        return new Opened(base + PATH + id, Base64.getUrlEncoder().withoutPadding().encodeToString(password));
    }

    private void upgrade(RoutingContext ctx) {
        Pending session = pending.remove(ctx.pathParam("id"));
        if (session == null || session.expiresAt() < System.nanoTime()) {
            ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"error\":{\"code\":\"NotFound\",\"message\":\"no such exec session, or it was opened or "
                            + "expired (a session opens once, within " + OPEN_WITHIN.toSeconds() + " s)\"}}");
            return;
        }
        ctx.request().toWebSocket().onSuccess(ws -> authenticate(ws, session))
                .onFailure(e -> LOG.infof("exec session on %s/%s: upgrade failed: %s", session.group(),
                        session.container(), e.getMessage()));
    }

    private void authenticate(ServerWebSocket ws, Pending session) {
        AtomicBoolean done = new AtomicBoolean();
        long timer = vertx.setTimer(PASSWORD_WITHIN.toMillis(), id -> refuse(ws, done));
        ws.binaryMessageHandler(b -> refuse(ws, done));
        ws.textMessageHandler(text -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            vertx.cancelTimer(timer);
            byte[] given = text.getBytes(StandardCharsets.UTF_8);
            byte[] expected = Base64.getUrlEncoder().withoutPadding().encode(session.password());
            if (!MessageDigest.isEqual(given, expected)) {
                LOG.warnf("exec session on %s/%s: wrong password from %s", session.group(), session.container(),
                        ws.remoteAddress());
                ws.close((short) 1008, "wrong password");
                return;
            }
            if (active.incrementAndGet() > MAX_ACTIVE) {
                active.decrementAndGet();
                ws.close((short) 1013, "too many exec sessions on this node");
                return;
            }
            // keystrokes sent right behind the password wait here while the terminal starts
            BlockingQueue<byte[]> input = new ArrayBlockingQueue<>(256);
            ws.textMessageHandler(keys -> offer(ws, input, keys.getBytes(StandardCharsets.UTF_8)));
            ws.binaryMessageHandler(keys -> offer(ws, input, keys.getBytes()));
            AtomicBoolean closed = new AtomicBoolean();
            AtomicReference<Process> started = new AtomicReference<>();
            ws.closeHandler(v -> {
                closed.set(true);
                Process process = started.get();
                if (process != null) {
                    process.destroy();
                }
            });
            pumps.submit(() -> run(ws, session, input, closed, started));
        });
    }

    private static void refuse(ServerWebSocket ws, AtomicBoolean done) {
        if (done.compareAndSet(false, true)) {
            ws.close((short) 1008, "the password is the first message");
        }
    }

    /** The terminal's life: keystrokes in, output out, the exit code in the close reason. */
    private void run(ServerWebSocket ws, Pending session, BlockingQueue<byte[]> input, AtomicBoolean closed,
            AtomicReference<Process> started) {
        String who = session.group() + "/" + session.container();
        Process process;
        try {
            process = groups.terminal(session.group(), session.container(), session.command(), session.rows(),
                    session.columns());
        } catch (IOException | RuntimeException e) {
            active.decrementAndGet();
            ws.close((short) 1011, truncate("cannot start: " + e.getMessage()));
            return;
        }
        started.set(process);
        if (closed.get()) {
            // the client left while the terminal started
            process.destroy();
        }
        LOG.infof("exec session on %s: %s started", who, String.join(" ", session.command()));
        pumps.submit(() -> write(process, input, closed));
        // pings keep a quiet shell's connection inside the server's idle timeout; the session itself is bounded
        long pinger = vertx.setPeriodic(ping.toMillis(), id -> {
            if (!ws.isClosed()) {
                ws.writePing(Buffer.buffer());
            }
        });
        long limit = vertx.setTimer(SESSION_MAX.toMillis(), id -> {
            LOG.infof("exec session on %s: ended after %s", who, SESSION_MAX);
            process.destroyForcibly();
        });
        try (InputStream out = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = out.read(buffer)) > 0) {
                ws.writeBinaryMessage(Buffer.buffer(java.util.Arrays.copyOf(buffer, n)));
            }
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            vertx.cancelTimer(pinger);
            vertx.cancelTimer(limit);
            active.decrementAndGet();
            closed.set(true);
        }
        int exit = process.isAlive() ? -1 : process.exitValue();
        LOG.infof("exec session on %s: ended with exit code %d", who, exit);
        if (!ws.isClosed()) {
            ws.close((short) 1000, "exit " + exit);
        }
    }

    private static void offer(ServerWebSocket ws, BlockingQueue<byte[]> input, byte[] bytes) {
        if (!input.offer(bytes)) {
            ws.close((short) 1009, "input faster than the terminal takes it");
        }
    }

    private static void write(Process process, BlockingQueue<byte[]> input, AtomicBoolean closed) {
        try (OutputStream in = process.getOutputStream()) {
            while (!closed.get() && process.isAlive()) {
                byte[] bytes = input.poll(200, TimeUnit.MILLISECONDS);
                if (bytes != null) {
                    in.write(bytes);
                    in.flush();
                }
            }
        } catch (IOException e) {
            // the terminal went away; the reader side ends the session
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String truncate(String reason) {
        // a close frame's reason is at most 123 bytes
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 120 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8);
    }
}
