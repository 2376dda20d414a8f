package dev.drydock.events;

/** An event whose data does not match its type's payload: consumers park it instead of retrying forever. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
