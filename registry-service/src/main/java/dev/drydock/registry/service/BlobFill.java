package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.client.RegistryClient;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * One blob on its way from an upstream registry into the store, readable while it arrives: the fetch writes an
 * upload file and hashes it, and every client of the blob reads that file as it grows. The last byte is held back
 * until the digest is verified, so no client receives a whole blob that is not the one it asked for; a fill that
 * fails cuts its clients' responses short and stores nothing.
 */
public final class BlobFill {

    private static final int CHUNK = 256 * 1024;

    private final Digest digest;
    private final Path file;
    private final long idleNanos;
    /** Shared by the readers (positional reads): it stays valid when the commit renames the file. */
    private final FileChannel reader;
    private final CompletableFuture<Long> announced = new CompletableFuture<>();
    private final CompletableFuture<Void> stored = new CompletableFuture<>();
    private final Object lock = new Object();
    private long written;
    private boolean verified;
    private Throwable failure;
    private long lastProgress = System.nanoTime();
    /** The fetch and every client reading; the file is closed when the last lets go. */
    private int users = 1;
    private volatile InputStream upstream;
    private final UnaryOperator<Throwable> explain;

    /** @param explain turns a failure of the upstream into what the fill's clients are told */
    BlobFill(Digest digest, Path file, Duration idle, UnaryOperator<Throwable> explain) throws IOException {
        this.digest = digest;
        this.explain = explain;
        this.file = file;
        this.idleNanos = idle.toNanos();
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
    void whenStored(java.util.function.BiConsumer<Void, Throwable> listener) {
        stored.whenComplete(listener);
    }

    private Throwable explained(Throwable e) {
        return explain.apply(e instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : e);
    }

    /**
     * Fetches the blob (blocking; run it on a worker): streams it into the file, verifies digest and announced
     * length, then commits it with {@code commit} (given the size). Ends the fill either way.
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
                    hash.update(buffer, 0, n);
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    total += n;
                    if (stream.length() >= 0 && total > stream.length()) {
                        break;
                    }
                    synchronized (lock) {
                        if (failure != null) {
                            return;
                        }
                        written = total;
                        lastProgress = System.nanoTime();
                        lock.notifyAll();
                    }
                }
            }
            Digest actual = Digest.of(digest.algorithm(), hash);
            if (!actual.equals(digest) || stream.length() >= 0 && total != stream.length()) {
                throw new IOException("the upstream sent " + total + " bytes with digest " + actual + " for " + digest
                        + (stream.length() >= 0 ? " after announcing " + stream.length() : ""));
            }
            // verified bytes may go out whole while they are committed; a failed commit only means a later fetch
            synchronized (lock) {
                verified = true;
                lock.notifyAll();
            }
            commit.apply(total).await().atMost(commitTimeout);
            stored.complete(null);
        } catch (Exception e) {
            fail(e);
        } finally {
            release();
        }
    }

    private void fail(Throwable e) {
        synchronized (lock) {
            // after verification the clients have what they asked for; only the commit failed
            if (failure == null && !verified) {
                failure = e;
            }
            lock.notifyAll();
        }
        announced.completeExceptionally(e);
        stored.completeExceptionally(e);
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
     * Reads what follows {@code position}, waiting until it has arrived; the last byte only once the blob is
     * verified. @return the bytes read, -1 at the end
     * @throws IOException when the fill failed
     */
    int read(long position, ByteBuffer into) throws IOException {
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
                    return -1;
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
        return reader.read(into, position);
    }

    /**
     * Sends the blob to {@code response} (its headers set, not yet written) as it arrives, on a worker thread,
     * each chunk written on the response's {@code context} and the next read only when the connection takes it.
     * Fails when the fill fails or the client stops reading for the idle timeout; the caller then resets the
     * connection, so that the client sees a cut, not a short blob.
     */
    public Uni<Void> sendTo(HttpServerResponse response, Context context) {
        return Uni.createFrom().item(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long position = 0;
            try {
                int n;
                while ((n = read(position, buffer)) >= 0) {
                    byte[] bytes = new byte[n];
                    buffer.flip().get(bytes);
                    position += n;
                    CompletableFuture<Void> taken = new CompletableFuture<>();
                    context.runOnContext(v -> {
                        if (response.closed()) {
                            taken.completeExceptionally(new IOException("the client went away"));
                            return;
                        }
                        response.write(Buffer.buffer(bytes));
                        if (response.writeQueueFull()) {
                            response.drainHandler(d -> taken.complete(null));
                            response.closeHandler(c -> taken.completeExceptionally(
                                    new IOException("the client went away")));
                        } else {
                            taken.complete(null);
                        }
                    });
                    taken.get(idleNanos, TimeUnit.NANOSECONDS);
                }
                CompletableFuture<Void> ended = new CompletableFuture<>();
                context.runOnContext(v -> response.end().onComplete(r -> ended.complete(null)));
                ended.get(idleNanos, TimeUnit.NANOSECONDS);
                return (Void) null;
            } catch (IOException | TimeoutException e) {
                throw new java.io.UncheckedIOException(new IOException(e.getMessage(), e));
            } catch (ExecutionException e) {
                throw new java.io.UncheckedIOException(new IOException(e.getCause().getMessage(), e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                release();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
