package dev.drydock.tasks.domain;

/** A build context entry that would write outside the context, or is not a file, directory or link. */
public class HostileContextException extends IllegalArgumentException {

    public HostileContextException(String entry, String why) {
        super("build context entry '" + entry + "' refused: " + why);
    }

    private HostileContextException(String message) {
        super(message);
    }

    /** The upload is no complete tar or tar.gz (truncated, corrupt): the client's fault, not ours. */
    public static HostileContextException unreadable(java.io.IOException cause) {
        return new HostileContextException("the build context is not a complete tar or tar.gz archive: "
                + cause.getMessage());
    }
}
