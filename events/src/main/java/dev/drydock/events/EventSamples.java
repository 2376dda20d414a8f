package dev.drydock.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The golden JSON sample of each event type, shipped in this jar so that producer tests (what we write must look
 * like this) and consumer tests (we must be able to read this) of every service agree on one document.
 */
public final class EventSamples {

    private EventSamples() {
    }

    public static byte[] json(EventType<?> type) {
        String resource = "samples/" + type.type() + ".json";
        try (InputStream in = EventSamples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no golden sample for " + type.type());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T payload(EventType<T> type) {
        return EventJson.read(json(type), type);
    }
}
