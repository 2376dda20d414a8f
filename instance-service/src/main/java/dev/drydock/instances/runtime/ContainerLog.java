package dev.drydock.instances.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A container's stdout and stderr as timestamped lines in a file, capped: when the file reaches half the cap it
 * becomes the previous file (replacing the one before), so at most the cap is kept and the newest lines always.
 * Followers get each line as it is written and are told when the container's run ends; the file outlives container
 * restarts, so the lines of earlier runs stay visible until they age out.
 */
public final class ContainerLog implements ContainerRuntime.Output {

    /** One line. */
    public record Line(Instant time, ContainerRuntime.Stream stream, String text) {

        String format() {
            return time + " " + stream.name().toLowerCase() + " " + text;
        }

        static Line parse(String stored) {
            int first = stored.indexOf(' ');
            int second = stored.indexOf(' ', first + 1);
            if (first < 0 || second < 0) {
                return new Line(Instant.EPOCH, ContainerRuntime.Stream.STDOUT, stored);
            }
            return new Line(Instant.parse(stored.substring(0, first)),
                    ContainerRuntime.Stream.valueOf(stored.substring(first + 1, second).toUpperCase()),
                    stored.substring(second + 1));
        }
    }

    /** Someone following the log. */
    public interface Follower {
        void line(Line line);

        /** The container's run ended: no more lines until it starts again. */
        void ended();
    }

    private final Path file;
    private final Path previous;
    private final long maxBytes;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private boolean running;
    private long size;

    public ContainerLog(Path file, long maxBytes) throws IOException {
        this.file = file;
        this.previous = file.resolveSibling(file.getFileName() + ".1");
        this.maxBytes = maxBytes;
        Files.createDirectories(file.getParent());
        this.size = Files.exists(file) ? Files.size(file) : 0;
    }

    /** A run of the container begins. */
    public synchronized void started() {
        running = true;
    }

    /** The run ended: followers are done. */
    public synchronized void ended() {
        running = false;
        for (Follower f : followers) {
            f.ended();
        }
        followers.clear();
    }

    @Override
    public void line(ContainerRuntime.Stream stream, String text) {
        append(new Line(Instant.now(), stream, text));
    }

    private synchronized void append(Line line) {
        byte[] bytes = (line.format() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + bytes.length > maxBytes / 2) {
                Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
                size = 0;
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size += bytes.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Follower f : followers) {
            f.line(line);
        }
    }

    /** The last {@code tail} lines (all when negative). */
    public synchronized List<Line> lines(int tail) throws IOException {
        List<String> stored = new ArrayList<>();
        for (Path p : List.of(previous, file)) {
            if (Files.exists(p)) {
                stored.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        int from = tail < 0 ? 0 : Math.max(0, stored.size() - tail);
        List<Line> lines = new ArrayList<>(stored.size() - from);
        for (String s : stored.subList(from, stored.size())) {
            lines.add(Line.parse(s));
        }
        return lines;
    }

    /**
     * The last {@code tail} lines, then every new line while the container runs; {@code follower} hears ended()
     * at once when it is not running. @return a way to stop following
     */
    public synchronized Runnable follow(int tail, Follower follower) throws IOException {
        lines(tail).forEach(follower::line);
        if (!running) {
            follower.ended();
            return () -> { };
        }
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    /** Lines from a run, as they come; for callers that only watch (the consumer need not be a full Follower). */
    public static Follower of(Consumer<Line> lines, Runnable ended) {
        return new Follower() {
            @Override
            public void line(Line line) {
                lines.accept(line);
            }

            @Override
            public void ended() {
                ended.run();
            }
        };
    }
}
