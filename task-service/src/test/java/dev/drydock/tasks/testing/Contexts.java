package dev.drydock.tasks.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Build contexts as tar archives, the way a client packs a directory. */
public final class Contexts {

    private Contexts() {
    }

    /** A context with a Dockerfile and other text files. */
    public static byte[] tar(String dockerfile, String... namesAndTexts) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < namesAndTexts.length; i += 2) {
            files.put(namesAndTexts[i], namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return tar(files);
    }

    /** Files by name; a name ending in "@exec" becomes an executable file without the suffix. */
    public static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                boolean exec = file.getKey().endsWith("@exec");
                TarArchiveEntry entry = new TarArchiveEntry(exec ? file.getKey().replace("@exec", "") : file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(exec ? 0100755 : 0100644);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A single entry of any kind, for hostile archives: a symbolic link, or a file with a crafted name. */
    public static byte[] entry(String name, String linkTarget) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = linkTarget == null ? new TarArchiveEntry(name, true)
                    : new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            if (linkTarget != null) {
                entry.setLinkName(linkTarget);
            } else {
                entry.setSize(4);
            }
            tar.putArchiveEntry(entry);
            if (linkTarget == null) {
                tar.write("evil".getBytes(StandardCharsets.UTF_8));
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The host's static busybox: a shell and sleep for RUN steps in images built from scratch. */
    public static byte[] busybox() {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IllegalStateException("/bin/busybox is missing: apt-get install -y busybox-static");
        }
        try {
            return Files.readAllBytes(busybox);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
