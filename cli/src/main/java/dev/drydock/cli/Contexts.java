package dev.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A build context: a local directory packed as tar.gz (without .git and what its .dockerignore names; links kept as
 * links, the server refuses those that lead out) and uploaded with a progress bar on stderr; or a Git URL or /dev/null passed on as is.
 */
public final class Contexts {

    private Contexts() {
    }

    /** @return the source location a build or run names */
    public static String upload(Api api, String registryPath, String context) throws IOException {
        return upload(api, registryPath, context, "Dockerfile");
    }

    /** @param dockerfile kept in the context even when .dockerignore names it (as docker build does) */
    public static String upload(Api api, String registryPath, String context, String dockerfile) throws IOException {
        if (context.matches("(https?|git)://.*") || context.equals("/dev/null")) {
            return context;
        }
        Path dir = Path.of(context);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(context + " is no directory, Git URL or /dev/null");
        }
        Path archive = Files.createTempFile("drydock-context-", ".tar.gz");
        try {
            try (OutputStream out = Files.newOutputStream(archive);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                pack(dir, tar, dockerfile);
            }
            long size = Files.size(archive);
            boolean terminal = Terminal.stderr();
            JsonNode answer = api.upload(Api.Service.TASKS, registryPath + "/sources", "application/gzip", () -> {
                try {
                    InputStream in = Files.newInputStream(archive);
                    return terminal ? new Progress(in, size) : in;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, size);
            if (!terminal) {
                // a log file or a CI job gets one line, not a hundred carriage returns
                System.err.println("Uploaded context (" + Progress.human(size) + ")");
            }
            return answer.path("sourceLocation").asText();
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** Packs the context: .git and what .dockerignore names stay out, the Dockerfile and .dockerignore stay in. */
    static void pack(Path dir, TarArchiveOutputStream tar, String dockerfile) throws IOException {
        DockerIgnore ignore = DockerIgnore.of(dir);
        String kept = Path.of("/" + dockerfile).normalize().toString().substring(1);
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.filter(p -> !p.equals(dir)).filter(p -> !dir.relativize(p).startsWith(".git"))
                    .filter(p -> {
                        String name = dir.relativize(p).toString().replace('\\', '/');
                        return name.equals(kept) || name.equals(".dockerignore") || !ignore.excludes(name);
                    }).sorted().toList();
        }
        for (Path path : entries) {
            String name = dir.relativize(path).toString().replace('\\', '/');
            TarArchiveEntry entry;
            boolean regular = false;
            if (Files.isSymbolicLink(path)) {
                entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(path).toString());
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                entry = new TarArchiveEntry(name + "/");
            } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                entry = new TarArchiveEntry(name);
                entry.setSize(Files.size(path));
                regular = true;
            } else {
                continue;
            }
            entry.setMode(mode(path));
            tar.putArchiveEntry(entry);
            // not entry.isFile(): commons-compress counts a symbolic link as a file
            if (regular) {
                Files.copy(path, tar);
            }
            tar.closeArchiveEntry();
        }
    }

    private static int mode(Path path) throws IOException {
        int type = Files.isSymbolicLink(path) ? 0120000 : Files.isDirectory(path) ? 040000 : 0100000;
        if (Files.isSymbolicLink(path)) {
            return type | 0777;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 1 << (8 - p.ordinal());
        }
        return type | bits;
    }

    /** Counts what goes up and draws it on stderr. */
    private static final class Progress extends FilterInputStream {
        private final long size;
        private long sent;
        private int drawn = -1;

        Progress(InputStream in, long size) {
            super(in);
            this.size = size;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sent += n;
                draw();
            } else if (n < 0 && drawn >= 0) {
                System.err.println();
                drawn = Integer.MAX_VALUE;
            }
            return n;
        }

        private void draw() {
            int percent = size == 0 ? 100 : (int) (sent * 100 / size);
            if (percent == drawn) {
                return;
            }
            drawn = percent;
            int bar = percent / 5;
            System.err.printf("\rUploading context [%s%s] %3d%% %s", "#".repeat(bar), " ".repeat(20 - bar), percent,
                    human(size));
        }

        static String human(long bytes) {
            return bytes < 1024 * 1024 ? String.format("%.1f KiB", bytes / 1024.0)
                    : String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
    }
}
