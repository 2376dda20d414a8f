package dev.drydock.tasks.testing;

import dev.drydock.devstack.RegistryTestResource;

import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL, Kafka and a real registry service with authentication on, which the task service under test pushes
 * to with its service identity. One per test JVM (GLOBAL scope).
 */
public class TaskStackTestResource extends RegistryTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("drydock.tasks.registry.url", config.get("drydock.test.registry-url"));
        config.put("drydock.tasks.registry.service-secret", TASK_SERVICE_SECRET);
        config.put("drydock.tasks.data-dir", home().resolve("tasks").toString());
        return config;
    }
}
