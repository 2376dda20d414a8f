package dev.drydock.tasks.domain;

/** A build context entry that would write outside the context, or is not a file, directory or link. */
public class HostileContextException extends IllegalArgumentException {

    public HostileContextException(String entry, String why) {
        super("build context entry '" + entry + "' refused: " + why);
    }
}
