package dev.drydock.devstack;

import java.util.Map;
import java.util.Optional;

/**
 * Lets a test take the broker away from the running application and bring it back.
 * <p>
 * Quarkus may load a test class and the test resource through different class loaders, so the handles are kept
 * as JDK types in the system properties, which every loader shares.
 */
public final class DevStackControl {

    private static final String KEY = "drydock.devstack.control";

    private DevStackControl() {
    }

    static void register(Infrastructure infrastructure) {
        Map<String, Runnable> control = Map.of(
                "kafka.stop", infrastructure.kafka()::close,
                "kafka.start", () -> infrastructure.kafka().start(java.time.Duration.ofSeconds(90)));
        System.getProperties().put(KEY, control);
    }

    static void unregister() {
        System.getProperties().remove(KEY);
    }

    /** Whether this JVM's devstack owns its servers (false when the tests reuse servers through TEST_* variables). */
    public static boolean available() {
        return control().isPresent();
    }

    public static void stopKafka() {
        run("kafka.stop");
    }

    public static void startKafka() {
        run("kafka.start");
    }

    private static void run(String action) {
        control().orElseThrow(() -> new IllegalStateException("the devstack does not own its Kafka broker"))
                .get(action).run();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Runnable>> control() {
        return Optional.ofNullable((Map<String, Runnable>) System.getProperties().get(KEY));
    }
}
