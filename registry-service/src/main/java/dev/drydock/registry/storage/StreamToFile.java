package dev.drydock.registry.storage;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;

import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Streams a request body into a file at a given offset with back-pressure, hashing on the way: memory stays
 * constant whatever the body's size. The file is first cut to the offset, so bytes of an earlier request that never
 * completed (a crash, a refused chunk) cannot linger past it. The caller must have paused the stream before any
 * asynchronous step.
 */
public final class StreamToFile {

    private StreamToFile() {
    }

    /** @return the number of bytes written */
    public static Uni<Long> append(Vertx vertx, ReadStream<Buffer> body, Path file, long offset, MessageDigest digest) {
        Promise<Long> done = Promise.promise();
        vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreate(true), opened -> {
            if (opened.failed()) {
                body.resume();
                done.fail(opened.cause());
                return;
            }
            AsyncFile out = opened.result();
            vertx.fileSystem().truncate(file.toString(), offset, truncated -> {
                if (truncated.failed()) {
                    out.close();
                    body.resume();
                    done.fail(truncated.cause());
                    return;
                }
                out.setWritePos(offset);
                pipe(body, out, digest, done);
            });
        });
        return Uni.createFrom().completionStage(done.future().toCompletionStage());
    }

    private static void pipe(ReadStream<Buffer> body, AsyncFile out, MessageDigest digest, Promise<Long> done) {
        long[] written = {0};
        body.handler(buffer -> {
            if (digest != null) {
                digest.update(buffer.getByteBuf().nioBuffer());
            }
            written[0] += buffer.length();
            out.write(buffer);
            if (out.writeQueueFull()) {
                body.pause();
                out.drainHandler(v -> body.resume());
            }
        });
        body.exceptionHandler(error -> out.close(closed -> done.tryFail(error)));
        body.endHandler(v -> out.close(closed -> {
            if (closed.failed()) {
                done.tryFail(closed.cause());
            } else {
                done.tryComplete(written[0]);
            }
        }));
        body.resume();
    }
}
