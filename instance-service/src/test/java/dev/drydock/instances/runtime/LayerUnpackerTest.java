package dev.drydock.instances.runtime;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layers applied onto a real directory: whiteouts, modes, links, and hostile entries that must stay inside. */
class LayerUnpackerTest {

    @TempDir
    Path temp;

    /** A tar layer built entry by entry. */
    private static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        Layer(boolean gzip) throws IOException {
            OutputStream out = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
            tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Layer file(String name, String text, int mode) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            byte[] content = text.getBytes(StandardCharsets.UTF_8);
            entry.setSize(content.length);
            entry.setMode(0100000 | mode);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        }

        Layer dir(String name) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            entry.setMode(040755);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        Layer link(String name, String target, byte type) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            tar.close();
            return bytes.toByteArray();
        }
    }

    private Path rootfs() throws IOException {
        return Files.createDirectories(temp.resolve("rootfs"));
    }

    private static void apply(byte[] layer, Path rootfs) throws IOException {
        LayerUnpacker.apply(new ByteArrayInputStream(layer), rootfs);
    }

    private static List<String> tree(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> !p.equals(root)).forEach(p -> names.add(root.relativize(p).toString()));
        }
        return names.stream().sorted().toList();
    }

    @Test
    void filesDirectoriesLinksAndModesAreApplied() throws IOException {
        Path root = rootfs();
        apply(new Layer(true).dir("bin").file("bin/tool", "#!/bin/sh\n", 04755)
                .link("bin/alias", "tool", TarArchiveEntry.LF_SYMLINK)
                .link("bin/hard", "bin/tool", TarArchiveEntry.LF_LINK).file("./etc/motd", "hi", 0644).bytes(), root);
        assertEquals(List.of("bin", "bin/alias", "bin/hard", "bin/tool", "etc", "etc/motd"), tree(root));
        assertEquals(04755, (int) Files.getAttribute(root.resolve("bin/tool"), "unix:mode") & 07777,
                "setuid kept");
        assertEquals("tool", Files.readSymbolicLink(root.resolve("bin/alias")).toString());
        assertEquals(2, (int) Files.getAttribute(root.resolve("bin/tool"), "unix:nlink"));
    }

    @Test
    void whiteoutsHideLowerLayersButNeverWhatTheSameLayerCreated() throws IOException {
        Path root = rootfs();
        apply(new Layer(false).dir("etc/conf.d").file("etc/conf.d/old", "old", 0644).file("etc/keep", "k", 0644)
                .file("etc/gone", "g", 0644).dir("var/cache").file("var/cache/x", "x", 0644).bytes(), root);
        // the same layer's file comes before the opaque marker in the tar: it must survive
        apply(new Layer(false).file("etc/conf.d/fresh", "new", 0644).file("etc/conf.d/.wh..wh..opq", "", 0644)
                .file("etc/.wh.gone", "", 0644).file("var/.wh.cache", "", 0644)
                .file("etc/again", "a", 0644).file("etc/.wh.again", "", 0644).bytes(), root);
        assertEquals(List.of("etc", "etc/again", "etc/conf.d", "etc/conf.d/fresh", "etc/keep", "var"), tree(root));
    }

    @Test
    void namesThatClimbOutAreRefused() throws IOException {
        Path root = rootfs();
        assertThrows(HostileLayerException.class,
                () -> apply(new Layer(false).file("../escape", "x", 0644).bytes(), root));
        assertThrows(HostileLayerException.class,
                () -> apply(new Layer(false).file("a/../../escape", "x", 0644).bytes(), root));
        assertFalse(Files.exists(temp.resolve("escape")));
    }

    @Test
    void absoluteNamesAndLinksToTheHostLandInsideTheRoot() throws IOException {
        Path root = rootfs();
        Path host = Files.createDirectories(temp.resolve("host/etc"));
        Files.writeString(host.resolve("passwd"), "host\n");
        String hostEtc = host.toString();
        apply(new Layer(false).file("/etc/absolute", "inside", 0644)
                .link("etc-link", hostEtc, TarArchiveEntry.LF_SYMLINK)
                .file("etc-link/passwd", "image\n", 0644)
                .link("up", "../../../..", TarArchiveEntry.LF_SYMLINK)
                .file("up/tmp-escape", "image\n", 0644).bytes(), root);
        assertEquals("host\n", Files.readString(host.resolve("passwd")), "the host file is untouched");
        assertEquals("inside", Files.readString(root.resolve("etc/absolute")));
        assertEquals("image\n", Files.readString(root.resolve(hostEtc.substring(1)).resolve("passwd")),
                "written where the link leads inside the root");
        assertTrue(Files.exists(root.resolve("tmp-escape"), LinkOption.NOFOLLOW_LINKS), ".. stops at the root");
        assertFalse(Files.exists(temp.getRoot().resolve("tmp-escape")));
    }

    @Test
    void hardLinksMustNameAFileOfTheImage() throws IOException {
        Path root = rootfs();
        Path host = Files.writeString(temp.resolve("secret"), "host secret");
        assertThrows(HostileLayerException.class,
                () -> apply(new Layer(false).link("steal", host.toString(), TarArchiveEntry.LF_LINK).bytes(), root));
        assertThrows(HostileLayerException.class,
                () -> apply(new Layer(false).link("steal", "../secret", TarArchiveEntry.LF_LINK).bytes(), root));
        assertEquals(1, (int) Files.getAttribute(host, "unix:nlink"), "no link to the host file was made");
    }
}
