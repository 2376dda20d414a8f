package dev.drydock.devstack;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Lets a test take the broker away from the running application and bring it back.
 * <p>
 * Quarkus may load a test class and the test resource through different class loaders, so a static field would
 * not be shared. The platform MBean server is: the test resource registers the control there, and tests invoke it
 * by name.
 */
public final class DevStackControl {

    private static final ObjectName NAME = objectName();

    /** The management interface; JMX requires it to be public and named after the class plus "MBean". */
    public interface KafkaMBean {
        void stop();

        void start();
    }

    static final class Kafka implements KafkaMBean {
        private final KafkaBroker broker;

        Kafka(KafkaBroker broker) {
            this.broker = broker;
        }

        @Override
        public void stop() {
            broker.close();
        }

        @Override
        public void start() {
            broker.start(Duration.ofSeconds(90));
        }
    }

    private DevStackControl() {
    }

    static void register(Infrastructure infrastructure) {
        try {
            server().registerMBean(new javax.management.StandardMBean(
                    new Kafka(infrastructure.kafka()), KafkaMBean.class), NAME);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("a devstack is already registered in this JVM", e);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    static void unregister() {
        try {
            server().unregisterMBean(NAME);
        } catch (InstanceNotFoundException ignored) {
            // nothing to remove
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this JVM's devstack owns its servers (false when the tests reuse servers through TEST_* variables). */
    public static boolean available() {
        return server().isRegistered(NAME);
    }

    public static void stopKafka() {
        invoke("stop");
    }

    public static void startKafka() {
        invoke("start");
    }

    private static void invoke(String operation) {
        try {
            server().invoke(NAME, operation, null, null);
        } catch (InstanceNotFoundException e) {
            throw new IllegalStateException("the devstack does not own its Kafka broker", e);
        } catch (JMException e) {
            throw new IllegalStateException("kafka " + operation + " failed", e);
        }
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName("dev.drydock.devstack:type=Kafka");
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
