package dev.drydock.oci.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an InputStream that keeps reading ahead: up to {@link #AHEAD} buffers are requested from the
 * connection while the reader works on earlier ones, so that receiving and (say) hashing and storing run side by side.
 * java.net.http's own InputStream asks for one buffer at a time, which makes the two take turns. A read that waits
 * longer than the idle timeout fails, so a stalled upstream cannot hold a reader forever.
 */
final class PrefetchingBody extends InputStream implements HttpResponse.BodySubscriber<PrefetchingBody> {

    private static final int AHEAD = 8;
    private static final List<ByteBuffer> END = List.of();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD + 2);
    private final long idleNanos;
    private volatile Flow.Subscription subscription;
    private List<ByteBuffer> current = List.of();
    private int index;
    private boolean ended;
    private volatile boolean closed;

    PrefetchingBody(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    /** The stream is the body at once: the caller reads while the bytes arrive. */
    @Override
    public CompletionStage<PrefetchingBody> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(AHEAD);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.offer(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.offer(throwable);
    }

    @Override
    public void onComplete() {
        queue.offer(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int copied = 0;
        while (copied < length) {
            ByteBuffer buffer = nextBuffer(copied == 0);
            if (buffer == null) {
                break;
            }
            int n = Math.min(length - copied, buffer.remaining());
            buffer.get(into, offset + copied, n);
            copied += n;
        }
        return copied == 0 ? -1 : copied;
    }

    /**
     * The next buffer with bytes left; null at the end, or when {@code wait} is false and none has arrived (a read
     * returns what it has rather than waiting for more).
     */
    private ByteBuffer nextBuffer(boolean wait) throws IOException {
        while (true) {
            while (index < current.size()) {
                ByteBuffer buffer = current.get(index);
                if (buffer.hasRemaining()) {
                    return buffer;
                }
                index++;
            }
            if (ended || closed) {
                return null;
            }
            Object next;
            try {
                next = wait ? queue.poll(idleNanos, TimeUnit.NANOSECONDS) : queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (next == null) {
                if (!wait) {
                    return null;
                }
                close();
                throw new HttpTimeoutException("the registry sent nothing for " + idleNanos / 1_000_000_000 + " s");
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> buffers = (List<ByteBuffer>) next;
            if (buffers == END) {
                ended = true;
                return null;
            }
            current = buffers;
            index = 0;
            // one list taken, one more asked for: AHEAD stay in flight
            subscription.request(1);
        }
    }

    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
