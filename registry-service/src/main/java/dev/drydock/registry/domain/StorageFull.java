package dev.drydock.registry.domain;

import java.io.IOException;

/**
 * The blob store's file system has no space left (ENOSPC). That is an outage the operator must fix, not the client's
 * fault: the request is answered 503 with Retry-After, and whatever it wrote is not counted (an upload stays where it
 * was and can be resumed once there is space again).
 */
public final class StorageFull {

    public static final String MESSAGE = "the registry's storage is full (no space left on device); nothing of this "
            + "request was kept, retry later";
    public static final String RETRY_AFTER = "60";

    private StorageFull() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null
                    && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
