package dev.drydock.instances.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A container's writable root over an image's unpacked root filesystem, which stays untouched and shared: an
 * overlay mount (image as the lower layer, the container's changes in its own upper directory) where the kernel
 * allows it, else a copy. Released with the container: unmounted and removed, nothing left behind.
 */
public final class ContainerRoot {

    public enum Mode { OVERLAY, COPY }

    private ContainerRoot() {
    }

    /** Makes {@code bundle/rootfs}. @param allowOverlay false forces a copy (hosts without overlay) */
    public static Mode prepare(Path imageRootfs, Path bundle, boolean allowOverlay) throws IOException {
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        if (allowOverlay) {
            Path upper = Files.createDirectories(bundle.resolve("upper"));
            Path work = Files.createDirectories(bundle.resolve("work"));
            if (run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + imageRootfs + ",upperdir="
                    + upper + ",workdir=" + work, rootfs.toString())) == 0) {
                return Mode.OVERLAY;
            }
            Files.delete(upper);
            Files.delete(work);
        }
        // cp -a keeps modes, owners, links, device nodes and extended attributes, which Java's copy does not
        if (run(List.of("cp", "-a", imageRootfs + "/.", rootfs + "/")) != 0) {
            throw new IOException("cannot copy " + imageRootfs + " to " + rootfs);
        }
        return Mode.COPY;
    }

    /** Unmounts (when mounted) and removes the container's root. */
    public static void release(Path bundle) throws IOException {
        Path rootfs = bundle.resolve("rootfs");
        if (mounted(rootfs) && run(List.of("umount", rootfs.toString())) != 0
                && run(List.of("umount", "-l", rootfs.toString())) != 0) {
            throw new IOException("cannot unmount " + rootfs);
        }
        for (String dir : List.of("rootfs", "upper", "work")) {
            delete(bundle.resolve(dir));
        }
    }

    /** Whether {@code path} is a mount point, from /proc/self/mountinfo. */
    public static boolean mounted(Path path) throws IOException {
        String target = path.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].replace("\\040", " ").equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    private static int run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command.get(0), e);
        }
    }
}
