package dev.drydock.devstack;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import java.util.HashMap;
import java.util.Map;

/**
 * How a client logs in to a devstack broker: SASL over plaintext on 127.0.0.1, SCRAM-SHA-512 for Drydock's
 * principals, PLAIN for the broker's administrator (who exists before any SCRAM credential can).
 */
public record KafkaLogin(String bootstrapServers, String mechanism, String user, String password) {

    public static final String SCRAM = "SCRAM-SHA-512";
    public static final String PLAIN = "PLAIN";
    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    /** A Kafka client's configuration: bootstrap servers and credentials, plus {@code extra}. */
    public Map<String, Object> clientConfig(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL);
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig());
        return config;
    }

    public Map<String, Object> clientConfig() {
        return clientConfig(Map.of());
    }

    /** The client's login module line; user names and generated passwords never contain quotes. */
    public String jaasConfig() {
        return (PLAIN.equals(mechanism) ? PLAIN_MODULE : SCRAM_MODULE)
                + " required username=\"" + user + "\" password=\"" + password + "\";";
    }
}
