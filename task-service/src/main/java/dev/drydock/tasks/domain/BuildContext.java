package dev.drydock.tasks.domain;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Unpacks a build context (tar, or tar.gz recognised by its magic bytes) into an empty directory, refusing anything
 * that could reach outside it: absolute names, {@code ..} segments, symbolic links whose target leaves the context
 * (absolute, or climbing out), writes through a link, hard links to anything but a file already unpacked, devices and
 * FIFOs, and more bytes than allowed. On a refusal the caller discards the directory; nothing was written elsewhere.
 */
public final class BuildContext {

    private BuildContext() {
    }

    /** The next entry; a read that fails is the archive's fault (truncated, corrupt), answered 400, not 500. */
    private static TarArchiveEntry next(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw HostileContextException.unreadable(e);
        }
    }

    /** Copies an entry's content: a failed read is the archive's fault, a failed write ours. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                throw HostileContextException.unreadable(e);
            }
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
        }
    }

    /** @return the bytes of file content unpacked */
    public static long unpack(InputStream archive, Path directory, long maxBytes) throws IOException {
        Path root = directory.toRealPath();
        BufferedInputStream in = new BufferedInputStream(archive, 64 * 1024);
        in.mark(2);
        boolean gzip = in.read() == 0x1f & in.read() == 0x8b;
        in.reset();
        long total = 0;
        InputStream content;
        try {
            content = gzip ? new GzipCompressorInputStream(in) : in;
        } catch (IOException e) {
            throw HostileContextException.unreadable(e);
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(content)) {
            TarArchiveEntry entry;
            while ((entry = next(tar)) != null) {
                String name = entry.getName();
                Path target = inside(root, name);
                if (target.equals(root)) {
                    continue;
                }
                checkParents(root, target, name);
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new HostileContextException(name, "devices and FIFOs are not allowed");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    String link = entry.getLinkName();
                    if (link.startsWith("/")) {
                        throw new HostileContextException(name, "symbolic link to the absolute path " + link);
                    }
                    Path resolved = target.getParent().resolve(link).normalize();
                    if (!resolved.startsWith(root)) {
                        throw new HostileContextException(name, "symbolic link " + link + " leaves the context");
                    }
                    Files.createDirectories(target.getParent());
                    Path relative = target.getParent().relativize(resolved);
                    Files.createSymbolicLink(target, relative.toString().isEmpty() ? Path.of(".") : relative);
                } else if (entry.isLink()) {
                    Path source = inside(root, entry.getLinkName());
                    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new HostileContextException(name, "hard link to " + entry.getLinkName()
                                + ", which is not a file of the context");
                    }
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, source);
                } else if (entry.isFile()) {
                    total += entry.getSize();
                    if (total > maxBytes) {
                        throw new HostileContextException(name, "the context exceeds " + maxBytes + " bytes");
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        copy(tar, out);
                    }
                    if ((entry.getMode() & 0111) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                } else {
                    throw new HostileContextException(name, "only files, directories and links are allowed");
                }
            }
        }
        return total;
    }

    /** The entry's path under the root; refused when absolute or when any segment climbs out. */
    private static Path inside(Path root, String name) {
        if (name.startsWith("/") || name.indexOf('\0') >= 0 || name.contains("\\")) {
            throw new HostileContextException(name, "absolute or malformed name");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new HostileContextException(name, "the name climbs out with ..");
            }
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new HostileContextException(name, "the name leaves the context");
        }
        return target;
    }

    /** No directory on the way to the entry may be a link: writing through it could land anywhere. */
    private static void checkParents(Path root, Path target, String name) {
        for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new HostileContextException(name, "it would be written through the symbolic link "
                        + root.relativize(p));
            }
        }
        if (Files.isSymbolicLink(target) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new HostileContextException(name, "it would replace an entry already unpacked");
        }
    }
}
