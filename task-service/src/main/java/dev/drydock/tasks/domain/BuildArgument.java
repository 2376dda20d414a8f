package dev.drydock.tasks.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code --build-arg}; a secret one ({@code --secret-build-arg}) is masked in logs and never stored with the run.
 * Names that a dynamic loader, a C library, the Go runtime or the container tools read from their environment are
 * refused: an argument must never be able to become one of those, whatever passes it on.
 */
public record BuildArgument(String name, String value, boolean secret) {

    private static final Pattern INTERPRETED = Pattern.compile(
            "LD_.*|GCONV_PATH|GETCONF_DIR|GLIBC_TUNABLES|MALLOC_.*|HOSTALIASES|LOCALDOMAIN|LOCPATH|NLSPATH|NIS_PATH"
                    + "|RES_OPTIONS|RESOLV_.*|TMPDIR|TZDIR|IFS|ENV|BASH_ENV|SHELLOPTS|PS4|GO(DEBUG|TRACEBACK|MAXPROCS|GC"
                    + "|MEMLIMIT)|BUILDAH_.*|CONTAINERS_.*|STORAGE_.*|REGISTRY_AUTH_FILE|DOCKER_CONFIG|XDG_.*"
                    + "|_CONTAINERS_.*|PATH|HOME");

    public BuildArgument {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("build argument name '" + name + "' is not a valid ARG name");
        }
        if (INTERPRETED.matcher(name.toUpperCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("build argument name '" + name + "' is refused: programs read it from"
                    + " their environment (loader, C library, Go runtime or container tools)");
        }
    }

    /** Parses NAME=value; a bare NAME has no value. */
    public static BuildArgument parse(String text, boolean secret) {
        int eq = text.indexOf('=');
        return eq < 0 ? new BuildArgument(text, null, secret)
                : new BuildArgument(text.substring(0, eq), text.substring(eq + 1), secret);
    }
}
