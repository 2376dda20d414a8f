package dev.drydock.instances.runtime;

/** A layer entry that would reach outside the root filesystem; the whole image is refused. */
public class HostileLayerException extends RuntimeException {

    public HostileLayerException(String entry, String why) {
        super("layer entry '" + entry + "' refused: " + why);
    }
}
