package dev.drydock.instances.testing;

import dev.drydock.devstack.registry.RegistryFixture;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small image made in the test from the host's static busybox: its applets as links, and a web root whose page
 * says {@code marker}, so two pushes of the same tag differ.
 */
public final class BusyboxImage {

    public static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final List<String> APPLETS = List.of("sh", "echo", "sleep", "tail", "cat", "env", "pwd", "httpd",
            "wget", "seq", "ls", "mkdir", "touch", "test", "rm", "grep", "true", "false", "hostname", "id", "head",
            "date", "nc", "ip", "awk", "sed", "printf", "setsid");

    private BusyboxImage() {
    }

    /** The layer as a tar (gzip-compressed when asked). */
    public static byte[] layer(String marker, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
            TarArchiveEntry entry = new TarArchiveEntry("bin/busybox");
            entry.setSize(busybox.length);
            entry.setMode(0100755);
            tar.putArchiveEntry(entry);
            tar.write(busybox);
            tar.closeArchiveEntry();
            for (String applet : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            for (String dir : List.of("work/", "tmp/", "etc/")) {
                TarArchiveEntry d = new TarArchiveEntry(dir);
                d.setMode(040777);
                tar.putArchiveEntry(d);
                tar.closeArchiveEntry();
            }
            byte[] page = (marker + "\n").getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry index = new TarArchiveEntry("www/index.html");
            index.setSize(page.length);
            tar.putArchiveEntry(index);
            tar.write(page);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** Pushes the image as {@code repository:tag}. @return its manifest digest */
    public static String push(RegistryFixture registry, String repository, String tag, String marker)
            throws IOException {
        return registry.image(repository, tag, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":"
                + "{\"Cmd\":[\"/bin/sh\"],\"Env\":[\"PATH=/bin\"]}}", List.of(layer(marker, true)), LAYER);
    }
}
