package dev.drydock.tasks.domain;

/** A {@code --build-arg}; a secret one ({@code --secret-build-arg}) is masked in logs and never stored with the run. */
public record BuildArgument(String name, String value, boolean secret) {

    public BuildArgument {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("build argument name '" + name + "' is not a valid ARG name");
        }
    }

    /** Parses NAME=value; a bare NAME has no value. */
    public static BuildArgument parse(String text, boolean secret) {
        int eq = text.indexOf('=');
        return eq < 0 ? new BuildArgument(text, null, secret)
                : new BuildArgument(text.substring(0, eq), text.substring(eq + 1), secret);
    }
}
