package dev.drydock.devstack;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Kafka logins for test code, from the configuration {@link DevStackTestResource} gives the test JVM: the
 * administrator (to watch any topic) and each of Drydock's principals (to act as an outside producer would).
 */
public final class TestKafka {

    static final String ADMIN_USER = "drydock.devstack.kafka.admin-user";
    static final String PASSWORD_PREFIX = "drydock.devstack.kafka.password.";

    private TestKafka() {
    }

    public static KafkaLogin admin() {
        Config config = ConfigProvider.getConfig();
        String user = config.getValue(ADMIN_USER, String.class);
        return new KafkaLogin(bootstrapServers(config), KafkaLogin.PLAIN, user,
                config.getValue(PASSWORD_PREFIX + user, String.class));
    }

    /** One of {@link dev.drydock.events.KafkaPrincipals#ALL}. */
    public static KafkaLogin as(String principal) {
        Config config = ConfigProvider.getConfig();
        return new KafkaLogin(bootstrapServers(config), KafkaLogin.SCRAM, principal,
                config.getValue(PASSWORD_PREFIX + principal, String.class));
    }

    private static String bootstrapServers(Config config) {
        return config.getValue("kafka.bootstrap.servers", String.class);
    }
}
