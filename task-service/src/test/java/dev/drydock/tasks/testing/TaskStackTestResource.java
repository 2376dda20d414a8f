package dev.drydock.tasks.testing;

import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.SiblingService;

import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL, Kafka, a real registry service with authentication on, which the task service under test pushes to
 * with its service identity, and a real instance service, which runs its cmd steps. One per test JVM (GLOBAL
 * scope).
 */
public class TaskStackTestResource extends RegistryTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());

        SiblingService instances = startSibling("instance-service", "instances", Map.of());
        config.put("drydock.tasks.instances.url", instances.url());
        config.put("drydock.tasks.registry.url", config.get("drydock.test.registry-url"));
        config.put("drydock.tasks.registry.service-secret", TASK_SERVICE_SECRET);
        config.put("drydock.tasks.data-dir", home().resolve("tasks").toString());
        return config;
    }
}
