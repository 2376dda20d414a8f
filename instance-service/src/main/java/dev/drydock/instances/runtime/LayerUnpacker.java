package dev.drydock.instances.runtime;

import dev.drydock.sandbox.IdMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Applies an OCI image layer (tar, or tar+gzip recognised by its magic bytes) onto a root filesystem, the OCI
 * image-spec way, in one streaming pass:
 * <ul>
 * <li>{@code D/.wh..wh..opq} hides what lower layers put in {@code D}; {@code D/.wh.name} deletes {@code name};
 * neither touches what this layer itself created, whatever the tar order; whiteout files are never written.</li>
 * <li>An entry replaces what is at its path; directory over directory merges. Modes keep setuid, setgid and sticky
 * bits; owners are set where the process may; directory times are set last.</li>
 * <li>Nothing is written outside the root: names are normalised (leading {@code ./} and {@code /} dropped) and any
 * {@code ..} refuses the layer; every parent is resolved inside the root as a chroot would (an image's
 * {@code etc -> /etc} leads to the root's etc, never the host's); hard links must name a file inside the root.</li>
 * </ul>
 * Device nodes and FIFOs are skipped: the runtime creates /dev itself.
 */
public final class LayerUnpacker {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_LINK_HOPS = 40;

    private LayerUnpacker() {
    }

    /**
     * Reads the layer to its very end (a digest computed over the stream covers every byte) and leaves closing it
     * to the caller.
     *
     * @throws HostileLayerException for an entry that would leave the root; the rootfs is then unusable
     */
    public static void apply(InputStream layer, Path rootfs) throws IOException {
        apply(layer, rootfs, IdMap.NONE);
    }

    /** Applies a layer with its owners mapped by {@code ids} (a user namespace's view of the files). */
    public static void apply(InputStream layer, Path rootfs, IdMap ids) throws IOException {
        Path root = rootfs.toRealPath();
        BufferedInputStream in = new BufferedInputStream(new FilterInputStream(layer) {
            @Override
            public void close() {
                // the caller's stream
            }
        }, 64 * 1024);
        in.mark(2);
        boolean gzip = in.read() == 0x1f & in.read() == 0x8b;
        in.reset();
        Set<String> created = new HashSet<>();
        Map<Path, FileTime> directoryTimes = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GzipCompressorInputStream(in) : in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = normalise(entry.getName());
                if (name.isEmpty()) {
                    continue;
                }
                String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
                String base = name.substring(name.lastIndexOf('/') + 1);
                Path parentPath = resolve(root, parent, entry.getName());
                if (base.equals(OPAQUE)) {
                    clearLower(parentPath, parent, created);
                    continue;
                }
                if (base.startsWith(WHITEOUT)) {
                    String hidden = join(parent, base.substring(WHITEOUT.length()));
                    if (!created.contains(hidden)) {
                        delete(parentPath.resolve(base.substring(WHITEOUT.length())));
                    }
                    continue;
                }
                Files.createDirectories(parentPath);
                Path target = parentPath.resolve(base);
                created.add(name);
                if (entry.isDirectory()) {
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                            && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        delete(target);
                    }
                    Files.createDirectories(target);
                    attributes(target, entry, ids);
                    directoryTimes.put(target, FileTime.from(entry.getModTime().toInstant()));
                } else if (entry.isSymbolicLink()) {
                    delete(target);
                    // the target is the container's business: it is resolved inside its root at run time, and
                    // writes through it here go through resolve()
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    owner(target, entry, ids);
                } else if (entry.isLink()) {
                    String linkName = normalise(entry.getLinkName());
                    Path source = resolve(root, linkName, entry.getName());
                    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new HostileLayerException(entry.getName(), "hard link to " + entry.getLinkName()
                                + ", which is no file of the image");
                    }
                    delete(target);
                    Files.createLink(target, source);
                } else if (entry.isFile()) {
                    delete(target);
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        tar.transferTo(out);
                    }
                    attributes(target, entry, ids);
                    Files.setLastModifiedTime(target, FileTime.from(entry.getModTime().toInstant()));
                }
                // devices and FIFOs: skipped
            }
            // the tar's end-of-archive blocks and gzip's trailer may leave bytes unread
            in.transferTo(OutputStream.nullOutputStream());
        }
        for (Map.Entry<Path, FileTime> directory : directoryTimes.entrySet()) {
            Files.setLastModifiedTime(directory.getKey(), directory.getValue());
        }
    }

    /** Drops leading ./ and /, refuses .. anywhere. */
    static String normalise(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.startsWith("./") ? n.substring(2) : n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.equals(".")) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new HostileLayerException(name, "the name climbs out with ..");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (name.indexOf('\0') >= 0) {
            throw new HostileLayerException(name, "NUL in the name");
        }
        return String.join("/", parts);
    }

    /**
     * The host path of {@code relative} inside the root, following symbolic links as a chroot would: an absolute
     * link target starts again at the root, {@code ..} stops at the root. The last component is followed too.
     */
    static Path resolve(Path root, String relative, String entry) throws IOException {
        List<String> pending = new ArrayList<>(relative.isEmpty() ? List.of() : List.of(relative.split("/")));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.remove(0);
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = root.resolve(String.join("/", done)).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++hops > MAX_LINK_HOPS) {
                    throw new HostileLayerException(entry, "too many symbolic links");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> expanded = new ArrayList<>(List.of(target.split("/")));
                expanded.addAll(pending);
                pending = expanded;
            } else {
                done.add(part);
            }
        }
        Path resolved = done.isEmpty() ? root : root.resolve(String.join("/", done)).normalize();
        if (!resolved.startsWith(root)) {
            throw new HostileLayerException(entry, "it resolves outside the root");
        }
        return resolved;
    }

    /** An opaque directory: what lower layers put there goes; what this layer created stays. */
    private static void clearLower(Path directory, String relative, Set<String> created) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = join(relative, child.getFileName().toString());
                if (!created.contains(name)) {
                    delete(child);
                }
            }
        }
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(path);
        }
    }

    private static void attributes(Path target, TarArchiveEntry entry, IdMap ids) throws IOException {
        owner(target, entry, ids);
        Files.setAttribute(target, "unix:mode", entry.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
    }

    private static void owner(Path target, TarArchiveEntry entry, IdMap ids) {
        try {
            Files.setAttribute(target, "unix:uid", ids.host(entry.getLongUserId()), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", ids.host(entry.getLongGroupId()), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // without the right to chown (not root), files keep the service's owner
        }
    }

    /**
     * Gives container root what this service created on the way (the root directory, parents no entry named):
     * under a user namespace nothing may stay owned by host root, which a container sees as nobody's.
     */
    public static void claimImplicit(Path rootfs, IdMap ids) throws IOException {
        if (!ids.maps()) {
            return;
        }
        try (Stream<Path> tree = Files.walk(rootfs)) {
            for (Path path : tree.toList()) {
                if ((int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0) {
                    Files.setAttribute(path, "unix:uid", ids.host(0), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(path, "unix:gid", ids.host(0), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}
