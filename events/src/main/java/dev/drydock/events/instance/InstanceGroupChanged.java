package dev.drydock.events.instance;

import dev.drydock.events.Require;

import java.util.List;

/** A container group, or one of its containers, changed state. */
public record InstanceGroupChanged(String group, String state, List<Container> containers) {

    public InstanceGroupChanged {
        Require.text(group, "group");
        Require.text(state, "state");
        containers = Require.list(containers);
    }

    /** {@code exitCode} is absent while the container has not terminated. */
    public record Container(String name, String state, Integer exitCode, int restartCount) {
        public Container {
            Require.text(name, "containers[].name");
            Require.text(state, "containers[].state");
        }
    }
}
