package dev.drydock.registry.storage;

import io.netty.buffer.ByteBuf;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * Streams a request body into a file at a given offset, hashing on the way, with memory bounded by
 * {@link #HIGH_WATER} whatever the body's size. The file is first cut to the offset, so bytes of an earlier request
 * that never completed (a crash, a refused chunk) cannot linger past it. The caller must have paused the stream
 * before any asynchronous step.
 * <p>
 * Why not Vert.x's AsyncFile: it hands every network buffer (8–64 KiB) to a worker thread of its own, and the
 * profile of a 64 MiB push showed a third of the CPU in those hand-offs, with the hash on the event loop besides.
 * Here the event loop only queues buffers; one worker task at a time drains everything queued, hashes it and stages
 * it for {@link DirectFileWriter}, so a thread wakes up once per burst of the network rather than once per buffer,
 * and hashing runs beside the network instead of in its way.
 */
public final class StreamToFile {

    /** Bytes queued for the disk before the request is paused, and the level at which it resumes. */
    static final long HIGH_WATER = 8L << 20;
    static final long LOW_WATER = 2L << 20;
    /** Buffers taken from the queue at once. */
    private static final int BATCH = 512;

    private StreamToFile() {
    }

    /** @return the number of bytes written; completes on the caller's Vert.x context */
    public static Uni<Long> append(Vertx vertx, ReadStream<Buffer> body, Path file, long offset, MessageDigest digest,
            Executor executor) {
        Transfer transfer = new Transfer(vertx.getOrCreateContext(), body, file, offset, digest, executor);
        transfer.start();
        return Uni.createFrom().completionStage(transfer.done.future().toCompletionStage());
    }

    /** One body on its way to disk. Fields under the monitor are shared between the event loop and the writer. */
    private static final class Transfer implements Runnable {

        private final Context context;
        private final ReadStream<Buffer> body;
        private final Path file;
        private final long offset;
        private final MessageDigest digest;
        private final Executor executor;
        final Promise<Long> done = Promise.promise();

        private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
        private long queued;
        private boolean draining;
        private boolean paused;
        private boolean ended;
        private Throwable failure;

        // the writer's own: only the one running drain task touches them
        private DirectFileWriter writer;
        private long written;

        Transfer(Context context, ReadStream<Buffer> body, Path file, long offset, MessageDigest digest,
                Executor executor) {
            this.context = context;
            this.body = body;
            this.file = file;
            this.offset = offset;
            this.digest = digest;
            this.executor = executor;
        }

        void start() {
            body.handler(this::received);
            body.exceptionHandler(error -> finish(error));
            body.endHandler(v -> finish(null));
            body.resume();
        }

        private void received(Buffer buffer) {
            boolean schedule;
            boolean pause = false;
            synchronized (this) {
                if (failure != null) {
                    return;
                }
                queue.addLast(buffer);
                queued += buffer.length();
                if (queued >= HIGH_WATER && !paused) {
                    paused = pause = true;
                }
                schedule = !draining;
                draining = true;
            }
            if (pause) {
                body.pause();
            }
            if (schedule) {
                executor.execute(this);
            }
        }

        private void finish(Throwable error) {
            boolean schedule;
            synchronized (this) {
                ended = true;
                if (error != null && failure == null) {
                    failure = error;
                }
                schedule = !draining;
                draining = true;
            }
            if (schedule) {
                executor.execute(this);
            }
        }

        @Override
        public void run() {
            Buffer[] taken = new Buffer[BATCH];
            while (true) {
                int count = 0;
                boolean last;
                synchronized (this) {
                    while (count < BATCH && !queue.isEmpty()) {
                        taken[count++] = queue.pollFirst();
                    }
                    // after a failed write the rest of the body is still read (and dropped) before the answer, so
                    // that a client still sending hears it instead of a reset connection
                    last = count == 0 && ended;
                    if (count == 0 && !last) {
                        draining = false;
                        return;
                    }
                }
                if (last) {
                    close();
                    return;
                }
                long bytes = 0;
                for (int i = 0; i < count; i++) {
                    bytes += taken[i].length();
                }
                boolean resume = false;
                try {
                    for (int i = 0; i < count; i++) {
                        write(taken[i]);
                    }
                } catch (IOException | RuntimeException e) {
                    abandon(e);
                    resume = true;
                }
                Arrays.fill(taken, 0, count, null);
                synchronized (this) {
                    queued -= bytes;
                    if (paused && (queued <= LOW_WATER || failure != null)) {
                        paused = false;
                        resume = true;
                    }
                }
                if (resume) {
                    context.runOnContext(v -> body.resume());
                }
            }
        }

        /** Hashes a buffer and hands it to the file; nothing more is written once the upload has failed. */
        private void write(Buffer buffer) throws IOException {
            if (failure != null) {
                return;
            }
            ByteBuf bytes = buffer.getByteBuf();
            if (digest != null) {
                if (bytes.hasArray()) {
                    digest.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
                } else {
                    digest.update(bytes.nioBuffer());
                }
            }
            if (writer == null) {
                writer = DirectFileWriter.open(file, offset);
            }
            written += bytes.readableBytes();
            writer.write(bytes.nioBuffer());
        }

        /** A write failed (disk full, say): the rest of the body is read and dropped, then the upload fails. */
        private void abandon(Exception e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e;
                }
                queue.clear();
                queued = 0;
            }
        }

        private void close() {
            Throwable error;
            synchronized (this) {
                error = failure;
            }
            try {
                if (writer != null) {
                    writer.close();
                } else if (error == null) {
                    // an empty body still leaves the upload's file, cut to the offset
                    DirectFileWriter.open(file, offset).close();
                }
            } catch (IOException | RuntimeException e) {
                error = error == null ? e : error;
            }
            if (error != null) {
                giveBack();
            }
            Throwable outcome = error;
            context.runOnContext(v -> {
                if (outcome != null) {
                    done.tryFail(outcome);
                } else {
                    done.tryComplete(written);
                }
            });
        }

        /** What a failed body wrote is not the upload's: its space goes back at once (a full disk most of all). */
        private void giveBack() {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (channel.size() > offset) {
                    channel.truncate(offset);
                }
            } catch (IOException | RuntimeException e) {
                // no file or no way to cut it: the next chunk cuts it to the offset anyway
            }
        }
    }
}
