package dev.drydock.instances.runtime;

import dev.drydock.instances.domain.GroupSpec;
import dev.drydock.sandbox.HostCommand;
import dev.drydock.sandbox.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A group's volumes on the host, as ACI has them: emptyDir a directory of the group's (kept across container
 * restarts, gone when the group stops), secret an in-memory tmpfs holding the decoded files (mounted read-only),
 * gitRepo a clone made when the group starts, and a share (ACI's azureFile) a named directory of the service that
 * outlives the group.
 */
public final class GroupVolumes {

    /** A secret volume's size: ACI secrets are small. */
    private static final String SECRET_SIZE = "size=4m";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);

    private GroupVolumes() {
    }

    /** Creates every volume under {@code groupDir/volumes}. @return each volume's host directory by name */
    public static Map<String, Path> prepare(List<GroupSpec.Volume> volumes, Path groupDir, Path shares)
            throws IOException {
        return prepare(volumes, groupDir, shares, IdMap.NONE);
    }

    /** As above, for containers whose root is {@code ids}' host id: every volume is container root's. */
    public static Map<String, Path> prepare(List<GroupSpec.Volume> volumes, Path groupDir, Path shares, IdMap ids)
            throws IOException {
        Map<String, Path> paths = new LinkedHashMap<>();
        Path root = Files.createDirectories(groupDir.resolve("volumes"));
        claim(root, ids);
        for (GroupSpec.Volume v : volumes) {
            Path dir = switch (v.kind()) {
                case EMPTY_DIR -> claim(Files.createDirectories(root.resolve(v.name())), ids);
                case SECRET -> secret(v, Files.createDirectories(root.resolve(v.name())), ids);
                case GIT_REPO -> claimTree(gitRepo(v, Files.createDirectories(root.resolve(v.name()))), ids);
                case SHARE -> share(Files.createDirectories(shares.resolve(v.shareName())), ids);
            };
            paths.put(v.name(), dir);
        }
        return paths;
    }

    /** The directory becomes container root's (host users cannot reach it: the group's directory is closed). */
    private static Path claim(Path dir, IdMap ids) throws IOException {
        if (ids.maps()) {
            Files.setAttribute(dir, "unix:uid", ids.host(0));
            Files.setAttribute(dir, "unix:gid", ids.host(0));
        }
        return dir;
    }

    /** A share lives outside any group's directory, so it closes itself to other host users. */
    private static Path share(Path dir, IdMap ids) throws IOException {
        claim(dir, ids);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** A whole tree made by this service: links are changed themselves, never followed. */
    private static Path claimTree(Path dir, IdMap ids) throws IOException {
        if (ids.maps()) {
            HostCommand.chownTree(dir, ids.host(0), ids.host(0), TIMEOUT);
        }
        return dir;
    }

    /** Unmounts the secrets and removes every volume of the group but its shares. */
    public static void release(Path groupDir) throws IOException {
        Path root = groupDir.resolve("volumes");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (Mounts.mounted(dir)) {
                    Mounts.unmount(dir);
                }
            }
        }
        Directories.delete(root);
    }

    private static Path secret(GroupSpec.Volume v, Path dir, IdMap ids) throws IOException {
        if (!Mounts.mounted(dir)
                && !HostCommand.run(List.of("mount", "-t", "tmpfs", "-o", SECRET_SIZE + ",mode=0755,uid=" + ids.host(0)
                + ",gid=" + ids.host(0), "tmpfs", dir.toString()), TIMEOUT).ok()) {
            throw new IOException("cannot mount the tmpfs of secret volume " + v.name());
        }
        for (Map.Entry<String, byte[]> file : v.secret().entrySet()) {
            Path target = dir.resolve(file.getKey());
            Files.write(target, file.getValue());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r--r--"));
        }
        return dir;
    }

    private static Path gitRepo(GroupSpec.Volume v, Path dir) throws IOException {
        String repository = v.repository();
        if (!repository.matches("(https?|git)://[^\\s]+")) {
            throw new IOException("gitRepo " + v.name() + ": the repository is an https, http or git URL");
        }
        Path target = v.directory() == null || v.directory().isEmpty() || v.directory().equals(".") ? dir
                : dir.resolve(v.directory()).normalize();
        if (!target.startsWith(dir)) {
            throw new IOException("gitRepo " + v.name() + ": the directory leaves the volume");
        }
        HostCommand clone = HostCommand.run(List.of("git", "clone", "--quiet", "--", repository, target.toString()),
                GIT_TIMEOUT);
        if (!clone.ok()) {
            throw new IOException("gitRepo " + v.name() + ": git clone " + repository + " failed: "
                    + clone.output().strip());
        }
        if (v.revision() != null && !v.revision().isEmpty()) {
            if (v.revision().startsWith("-")) {
                throw new IOException("gitRepo " + v.name() + ": a revision does not start with '-'");
            }
            HostCommand checkout = HostCommand.run(List.of("git", "-C", target.toString(), "checkout", "--quiet",
                    "--detach", v.revision()), GIT_TIMEOUT);
            if (!checkout.ok()) {
                throw new IOException("gitRepo " + v.name() + ": revision " + v.revision() + " not found: "
                        + checkout.output().strip());
            }
        }
        return dir;
    }

}
