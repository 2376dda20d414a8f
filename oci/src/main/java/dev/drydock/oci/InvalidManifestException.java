package dev.drydock.oci;

/** A manifest that is not well-formed JSON of a known manifest type: the registry answers MANIFEST_INVALID. */
public class InvalidManifestException extends IllegalArgumentException {

    public InvalidManifestException(String message) {
        super(message);
    }
}
