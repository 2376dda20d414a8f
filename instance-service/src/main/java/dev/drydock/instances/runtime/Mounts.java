package dev.drydock.instances.runtime;

import dev.drydock.sandbox.HostCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mount points as the kernel lists them (/proc/self/mountinfo), and their removal. */
public final class Mounts {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Mounts() {
    }

    /** Whether {@code path} is a mount point. */
    public static boolean mounted(Path path) throws IOException {
        String target = path.toAbsolutePath().normalize().toString();
        return all().contains(target);
    }

    /** Mount points below {@code dir}, deepest first. */
    public static List<String> under(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        List<String> mounts = new ArrayList<>(all().stream().filter(m -> m.startsWith(prefix)).toList());
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        return mounts;
    }

    /** Unmounts {@code path}; lazily when it is busy. @throws IOException when neither works */
    public static void unmount(Path path) throws IOException {
        if (!HostCommand.run(List.of("umount", path.toString()), TIMEOUT).ok()
                && !HostCommand.run(List.of("umount", "-l", path.toString()), TIMEOUT).ok()) {
            throw new IOException("cannot unmount " + path);
        }
    }

    private static List<String> all() throws IOException {
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                targets.add(fields[4].replace("\\040", " "));
            }
        }
        return targets;
    }
}
