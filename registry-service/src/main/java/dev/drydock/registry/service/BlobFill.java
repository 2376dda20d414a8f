package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.client.RegistryClient;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * One blob on its way from an upstream registry into the store, sent to its clients while it arrives. The fetch
 * hashes the upstream's bytes and writes them to an upload file; a client that starts late reads that file until it
 * has caught up and from then on is sent each chunk by the fetch itself (a tee: the bytes are not read back). The
 * last byte is held back until the digest is verified, so no client receives a whole blob that is not the one it
 * asked for; a fill that fails cuts its clients' responses short and stores nothing.
 */
public final class BlobFill {

    /** Below half a G1 region of a small heap: a chunk is an ordinary allocation, not a humongous one. */
    private static final int CHUNK = 256 * 1024;

    /** A client that has caught up: the fetch writes to it directly. */
    private record Sink(HttpServerResponse response, Context context, CompletableFuture<Void> done) {
    }

    private final Digest digest;
    private final Path file;
    private final long idleNanos;
    /** Shared by the readers (positional reads): it stays valid when the commit renames the file. */
    private final FileChannel reader;
    private final UnaryOperator<Throwable> explain;
    private final CompletableFuture<Long> announced = new CompletableFuture<>();
    private final CompletableFuture<Void> stored = new CompletableFuture<>();
    private final Object lock = new Object();
    private final List<Sink> sinks = new ArrayList<>();
    private long written;
    /** The last byte written so far: what every client is still owed until the next chunk or the verification. */
    private byte last;
    private boolean verified;
    private Throwable failure;
    private long lastProgress = System.nanoTime();
    /** The fetch and every client reading; the file is closed when the last lets go. */
    private int users = 1;
    private volatile InputStream upstream;

    /** @param explain turns a failure of the upstream into what the fill's clients are told */
    BlobFill(Digest digest, Path file, Duration idle, UnaryOperator<Throwable> explain) throws IOException {
        this.digest = digest;
        this.file = file;
        this.idleNanos = idle.toNanos();
        this.explain = explain;
        Files.deleteIfExists(file);
        Files.createFile(file);
        this.reader = FileChannel.open(file, StandardOpenOption.READ);
    }

    public Digest digest() {
        return digest;
    }

    /** The blob's length once the upstream answered (-1 when it did not say); fails when the upstream refused. */
    public Uni<Long> announced() {
        return Uni.createFrom().completionStage(announced).onFailure().transform(this::explained);
    }

    /** Completes when the blob is verified and stored, or fails with why it is not. */
    public Uni<Void> stored() {
        return Uni.createFrom().completionStage(stored).onFailure().transform(this::explained);
    }

    /** A listener for the end of the fill, with its failure as it happened. */
    void whenStored(BiConsumer<Void, Throwable> listener) {
        stored.whenComplete(listener);
    }

    private Throwable explained(Throwable e) {
        return explain.apply(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
    }

    /**
     * Fetches the blob (blocking; run it on a worker): streams it into the file and to the clients that caught up,
     * verifies digest and announced length, then commits it with {@code commit} (given the size). Ends the fill
     * either way.
     */
    void fetch(Callable<RegistryClient.BlobStream> open, LongFunction<Uni<Void>> commit, Duration commitTimeout) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            RegistryClient.BlobStream stream = open.call();
            upstream = stream.body();
            announced.complete(stream.length());
            MessageDigest hash = digest.algorithm().newMessageDigest();
            byte[] buffer = new byte[CHUNK];
            long total = 0;
            try (InputStream in = stream.body()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    hash.update(buffer, 0, n);
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    total += n;
                    if (stream.length() >= 0 && total > stream.length()) {
                        break;
                    }
                    if (!advance(total, buffer, n)) {
                        return;
                    }
                }
            }
            Digest actual = Digest.of(digest.algorithm(), hash);
            if (!actual.equals(digest) || stream.length() >= 0 && total != stream.length()) {
                throw new IOException("the upstream sent " + total + " bytes with digest " + actual + " for " + digest
                        + (stream.length() >= 0 ? " after announcing " + stream.length() : ""));
            }
            // verified bytes may go out whole while they are committed; a failed commit only means a later fetch
            finish();
            commit.apply(total).await().atMost(commitTimeout);
            stored.complete(null);
        } catch (Exception e) {
            fail(e);
        } finally {
            release();
        }
    }

    /**
     * Records {@code n} more bytes (the end of {@code buffer}'s first n) and sends the clients that caught up what
     * they are owed: the byte held back before, and all of these but their last. @return false once the fill failed
     */
    private boolean advance(long total, byte[] buffer, int n) throws IOException {
        List<Sink> targets;
        byte[] owed;
        synchronized (lock) {
            if (failure != null) {
                return false;
            }
            boolean holding = written > 0;
            owed = new byte[n - 1 + (holding ? 1 : 0)];
            if (holding) {
                owed[0] = last;
            }
            System.arraycopy(buffer, 0, owed, holding ? 1 : 0, n - 1);
            written = total;
            last = buffer[n - 1];
            lastProgress = System.nanoTime();
            targets = List.copyOf(sinks);
            lock.notifyAll();
        }
        if (owed.length > 0) {
            send(targets, owed);
        }
        return true;
    }

    /** The digest matched: the clients get the byte held back, and their responses end. */
    private void finish() throws IOException {
        List<Sink> targets;
        synchronized (lock) {
            verified = true;
            targets = List.copyOf(sinks);
            sinks.clear();
            lock.notifyAll();
        }
        send(targets, written > 0 ? new byte[] {last} : new byte[0]);
        for (Sink sink : targets) {
            if (!sink.done().isDone()) {
                sink.response().end().onComplete(r -> sink.done().complete(null));
            }
        }
    }

    /**
     * Writes to each sink (Vert.x takes writes from any thread), waiting for a full connection to drain; a client
     * that does not take its bytes for the idle timeout is dropped, not waited for.
     */
    private void send(List<Sink> targets, byte[] bytes) {
        for (Sink sink : targets) {
            if (sink.done().isDone()) {
                continue;
            }
            try {
                if (sink.response().closed()) {
                    throw new IOException("the client went away");
                }
                sink.response().write(Buffer.buffer(Unpooled.wrappedBuffer(bytes)));
                if (sink.response().writeQueueFull()) {
                    drained(sink.response(), sink.context()).get(idleNanos, TimeUnit.NANOSECONDS);
                }
            } catch (IOException | TimeoutException | ExecutionException e) {
                drop(sink, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drop(sink, e);
            }
        }
    }

    private void drop(Sink sink, Exception why) {
        synchronized (lock) {
            sinks.remove(sink);
        }
        sink.done().completeExceptionally(why);
    }

    private void fail(Throwable e) {
        List<Sink> targets;
        synchronized (lock) {
            // after verification the clients have what they asked for; only the commit failed
            if (failure == null && !verified) {
                failure = e;
            }
            targets = List.copyOf(sinks);
            sinks.clear();
            lock.notifyAll();
        }
        announced.completeExceptionally(e);
        stored.completeExceptionally(e);
        targets.forEach(sink -> sink.done().completeExceptionally(e));
    }

    /** Gives up on an upstream that went quiet: its stream is closed, which ends the fetch. */
    private void abandon() {
        fail(new IOException("the upstream sent nothing for " + idleNanos / 1_000_000_000 + " s"));
        InputStream in = upstream;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the fetch ends on its own failure
            }
        }
    }

    private void abandonIfIdle() {
        boolean idle;
        synchronized (lock) {
            idle = !verified && failure == null && System.nanoTime() - lastProgress >= idleNanos;
        }
        if (idle) {
            abandon();
        }
    }

    /** Claims the fill for one client; false once it is over and its file may be gone (read the stored blob). */
    public boolean acquire() {
        synchronized (lock) {
            if (users == 0) {
                return false;
            }
            users++;
            return true;
        }
    }

    public void release() {
        synchronized (lock) {
            if (--users > 0) {
                return;
            }
        }
        try {
            reader.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }

    /**
     * Reads what follows {@code position} from the file, waiting until it has arrived; the last byte only once the
     * blob is verified. A client that has caught up with the fetch becomes one of its sinks instead.
     *
     * @return the bytes read, -1 at the end, or null when the client became a sink (then the future ends with it)
     */
    private CompletableFuture<Void> readOrJoin(long position, ByteBuffer into, HttpServerResponse response,
            Context context, int[] read) throws IOException {
        long limit;
        synchronized (lock) {
            while (true) {
                if (failure != null) {
                    throw new IOException("the upstream fill of " + digest + " failed: " + failure.getMessage(),
                            failure);
                }
                limit = verified ? written : written - 1;
                if (position < limit) {
                    break;
                }
                if (verified) {
                    read[0] = -1;
                    return null;
                }
                if (position == Math.max(0, written - 1)) {
                    Sink sink = new Sink(response, context, new CompletableFuture<>());
                    sinks.add(sink);
                    return sink.done();
                }
                long left = idleNanos - (System.nanoTime() - lastProgress);
                if (left <= 0) {
                    abandon();
                    continue;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        into.clear().limit((int) Math.min(into.capacity(), limit - position));
        read[0] = reader.read(into, position);
        return null;
    }

    /**
     * Sends the blob to {@code response} (its headers set, not yet written): what has arrived is read from the file
     * on a worker thread, then the fetch sends the rest as it comes, and the client holds no thread while it waits.
     * Fails when the fill fails or the client stops reading for the idle timeout; the caller then resets the
     * connection, so that the client sees a cut, not a short blob.
     */
    public Uni<Void> sendTo(HttpServerResponse response, Context context) {
        return Uni.createFrom().item(() -> catchUp(response, context))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(joined -> joined == null ? Uni.createFrom().voidItem() : follow(joined, context))
                .eventually(this::release);
    }

    /**
     * Reads the file to the client until it has caught up with the fetch (then returns the future that ends with
     * it as a sink) or until the blob is complete (then ends the response and returns null). Blocking.
     */
    private CompletableFuture<Void> catchUp(HttpServerResponse response, Context context) {
        long position = 0;
        int[] read = new int[1];
        try {
            while (true) {
                // a fresh array per chunk: the response queues it without a copy
                byte[] bytes = new byte[CHUNK];
                CompletableFuture<Void> joined = readOrJoin(position, ByteBuffer.wrap(bytes), response, context, read);
                if (joined != null) {
                    return joined;
                }
                if (read[0] < 0) {
                    break;
                }
                position += read[0];
                if (response.closed()) {
                    throw new IOException("the client went away");
                }
                response.write(Buffer.buffer(Unpooled.wrappedBuffer(bytes, 0, read[0])));
                if (response.writeQueueFull()) {
                    drained(response, context).get(idleNanos, TimeUnit.NANOSECONDS);
                }
            }
            response.end().toCompletionStage().toCompletableFuture().get(idleNanos, TimeUnit.NANOSECONDS);
            return null;
        } catch (IOException | TimeoutException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(e.getCause().getMessage(), e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits, without a thread, for the fetch to finish this client; a timer watches the upstream for silence. */
    private Uni<Void> follow(CompletableFuture<Void> joined, Context context) {
        long timer = context.owner().setPeriodic(Math.max(1, TimeUnit.NANOSECONDS.toMillis(idleNanos)),
                id -> abandonIfIdle());
        return Uni.createFrom().completionStage(joined).eventually(() -> context.owner().cancelTimer(timer));
    }

    /** Completes when the response's queue has room again, or fails when the client goes away. */
    private static CompletableFuture<Void> drained(HttpServerResponse response, Context context) {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (response.closed()) {
                drained.completeExceptionally(new IOException("the client went away"));
            } else if (!response.writeQueueFull()) {
                drained.complete(null);
            } else {
                response.drainHandler(d -> drained.complete(null));
                response.closeHandler(c -> drained.completeExceptionally(new IOException("the client went away")));
            }
        });
        return drained;
    }
}
