package dev.drydock.tasks.domain;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildContextTest {

    @TempDir
    Path temp;

    private interface Writer {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tar(boolean gzip, Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(tar);
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream tar, String name, String target, byte type) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private Path fresh(String name) throws IOException {
        return Files.createDirectories(temp.resolve(name));
    }

    @Test
    void anOrdinaryContextUnpacksWithItsLinks() throws IOException {
        for (boolean gzip : List.of(false, true)) {
            Path dir = fresh("ok-" + gzip);
            byte[] archive = tar(gzip, t -> {
                file(t, "Dockerfile", "FROM alpine\n");
                file(t, "./src/main.go", "package main\n");
                link(t, "src/current", "main.go", TarConstants.LF_SYMLINK);
                link(t, "docs/same.go", "src/main.go", TarConstants.LF_LINK);
            });
            long bytes = BuildContext.unpack(new ByteArrayInputStream(archive), dir, 1 << 20);
            assertEquals(12 + 13, bytes);
            assertEquals("FROM alpine\n", Files.readString(dir.resolve("Dockerfile")));
            assertEquals("package main\n", Files.readString(dir.resolve("src/current")));
            assertEquals("package main\n", Files.readString(dir.resolve("docs/same.go")));
        }
    }

    @Test
    void hostileEntriesAreRefusedAndNothingLandsOutside() throws IOException {
        Path outside = fresh("outside");
        List<Writer> hostile = List.of(
                t -> file(t, "../escape", "x"),
                t -> file(t, "a/../../escape", "x"),
                t -> {
                    // written as is (commons-compress would otherwise strip the slash, as docker does)
                    TarArchiveEntry absolute = new TarArchiveEntry("/etc/escape", true);
                    absolute.setSize(1);
                    t.putArchiveEntry(absolute);
                    t.write('x');
                    t.closeArchiveEntry();
                },
                t -> link(t, "abs", "/etc/passwd", TarConstants.LF_SYMLINK),
                t -> link(t, "up", "../../..", TarConstants.LF_SYMLINK),
                t -> {
                    link(t, "dir", ".", TarConstants.LF_SYMLINK);
                    file(t, "dir/through", "x");
                },
                t -> link(t, "hard", "/etc/passwd", TarConstants.LF_LINK),
                t -> link(t, "hard", "../outside/x", TarConstants.LF_LINK),
                t -> {
                    TarArchiveEntry device = new TarArchiveEntry("dev", TarConstants.LF_CHR);
                    t.putArchiveEntry(device);
                    t.closeArchiveEntry();
                },
                t -> {
                    file(t, "same", "a");
                    file(t, "same", "b");
                });
        int i = 0;
        for (Writer writer : hostile) {
            Path dir = fresh("context-" + i++);
            byte[] archive = tar(false, writer);
            assertThrows(HostileContextException.class,
                    () -> BuildContext.unpack(new ByteArrayInputStream(archive), dir, 1 << 20), "case " + (i - 1));
        }
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(0, files.count(), "nothing written outside a context");
        }
        assertTrue(Files.notExists(temp.resolve("escape")));
    }

    @Test
    void aContextLargerThanAllowedIsRefused() throws IOException {
        byte[] archive = tar(true, t -> file(t, "big", "x".repeat(2000)));
        assertThrows(HostileContextException.class,
                () -> BuildContext.unpack(new ByteArrayInputStream(archive), fresh("big"), 1000));
    }

    @Test
    void aTruncatedOrCorruptArchiveIsTheClientsFault() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            byte[] whole = tar(gzip, t -> file(t, "Dockerfile", "FROM scratch\n" + "x".repeat(5000)));
            byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
            HostileContextException e = assertThrows(HostileContextException.class,
                    () -> BuildContext.unpack(new ByteArrayInputStream(truncated), fresh("cut" + gzip), 1 << 20));
            assertTrue(e.getMessage().contains("not a complete tar"), e.getMessage());
        }
        byte[] notGzip = {0x1f, (byte) 0x8b, 1, 2, 3};
        assertThrows(HostileContextException.class,
                () -> BuildContext.unpack(new ByteArrayInputStream(notGzip), fresh("corrupt"), 1 << 20));
    }
}
