package dev.drydock.devstack;

import java.util.HashMap;
import java.util.Map;

/**
 * The whole suite for tests that stand outside it (the CLI): PostgreSQL, Kafka and the three services from their
 * packaged jars, authentication on. Config: {@code drydock.test.registry-url}, {@code drydock.test.tasks-url},
 * {@code drydock.test.instances-url}.
 */
public class FullStackTestResource extends RegistryTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        SiblingService instances = startSibling("instance-service", "instances", Map.of());
        SiblingService tasks = startSibling("task-service", "tasks", Map.of("DRYDOCK_INSTANCES_URL", instances.url()));
        config.put("drydock.test.tasks-url", tasks.url());
        config.put("drydock.test.instances-url", instances.url());
        return config;
    }
}
