package dev.drydock.instances.runtime;

import dev.drydock.sandbox.HostCommand;
import dev.drydock.sandbox.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A container's writable root over an image's unpacked root filesystem, which stays untouched and shared: an
 * overlay mount (image as the lower layer, the container's changes in its own upper directory) where the kernel
 * allows it, else a copy. Released with the container: unmounted and removed, nothing left behind.
 */
public final class ContainerRoot {

    public enum Mode { OVERLAY, COPY }

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ContainerRoot() {
    }

    /** Makes {@code bundle/rootfs}. @param allowOverlay false forces a copy (hosts without overlay) */
    public static Mode prepare(Path imageRootfs, Path bundle, boolean allowOverlay) throws IOException {
        return prepare(imageRootfs, bundle, allowOverlay, IdMap.NONE);
    }

    /** As above, for a container whose root is {@code ids}' host id: the writable layer's root is its own. */
    public static Mode prepare(Path imageRootfs, Path bundle, boolean allowOverlay, IdMap ids) throws IOException {
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        if (allowOverlay) {
            Path upper = Files.createDirectories(bundle.resolve("upper"));
            Path work = Files.createDirectories(bundle.resolve("work"));
            if (ids.maps()) {
                // the merged root takes its owner and mode from the upper directory
                Files.setAttribute(upper, "unix:uid", ids.host(0));
                Files.setAttribute(upper, "unix:gid", ids.host(0));
                Files.setAttribute(upper, "unix:mode", (int) Files.getAttribute(imageRootfs, "unix:mode") & 07777);
            }
            if (HostCommand.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + imageRootfs + ",upperdir="
                    + upper + ",workdir=" + work, rootfs.toString()), TIMEOUT).ok()) {
                return Mode.OVERLAY;
            }
            Files.delete(upper);
            Files.delete(work);
        }
        // cp -a keeps modes, owners, links, device nodes and extended attributes, which Java's copy does not
        if (!HostCommand.run(List.of("cp", "-a", imageRootfs + "/.", rootfs + "/"), TIMEOUT).ok()) {
            throw new IOException("cannot copy " + imageRootfs + " to " + rootfs);
        }
        return Mode.COPY;
    }

    /** Unmounts (when mounted) and removes the container's root. */
    public static void release(Path bundle) throws IOException {
        Path rootfs = bundle.resolve("rootfs");
        if (Mounts.mounted(rootfs)) {
            Mounts.unmount(rootfs);
        }
        for (String dir : List.of("rootfs", "upper", "work")) {
            Directories.delete(bundle.resolve(dir));
        }
    }


}
