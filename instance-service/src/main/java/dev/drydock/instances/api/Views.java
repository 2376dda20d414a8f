package dev.drydock.instances.api;

import dev.drydock.instances.domain.GroupDocument;
import dev.drydock.instances.domain.InstanceView;
import dev.drydock.instances.runtime.ContainerLog;
import dev.drydock.instances.service.GroupService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Groups as the API shows them: ACI's resource shape, secure values left out, the instance view merged in. */
final class Views {

    private Views() {
    }

    /** A group with its instance view (show) or without (list, as ACI's list). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> group(GroupService.Shown shown, boolean withView) {
        Map<String, Object> rendered = GroupDocument.render(shown.spec(), false);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", "/containerGroups/" + shown.spec().name());
        doc.putAll(rendered);
        doc.remove("apiVersion");
        doc.put("location", "local");
        Map<String, Object> properties = (Map<String, Object>) doc.get("properties");
        Map<String, Object> withState = new LinkedHashMap<>();
        withState.put("provisioningState", shown.row().provisioningState());
        withState.putAll(properties);
        doc.put("properties", withState);
        InstanceView view = InstanceView.fromJson(shown.row().view());
        if (view.address() != null && withState.get("ipAddress") instanceof Map<?, ?> ip) {
            ((Map<String, Object>) ip).put("ip", view.address());
        }
        if (withView) {
            for (String key : List.of("initContainers", "containers")) {
                if (withState.get(key) instanceof List<?> containers) {
                    for (Object c : containers) {
                        Map<String, Object> container = (Map<String, Object>) c;
                        ((Map<String, Object>) container.get("properties")).put("instanceView",
                                view.containerJson((String) container.get("name")).getMap());
                    }
                }
            }
            Map<String, Object> group = view.groupJson().getMap();
            if (view.address() != null) {
                group.put("address", view.address());
            }
            withState.put("instanceView", group);
        }
        doc.put("createdAt", shown.row().createdAt().toString());
        doc.put("updatedAt", shown.row().updatedAt().toString());
        return doc;
    }

    static Map<String, Object> list(List<GroupService.Shown> groups) {
        List<Object> value = new ArrayList<>();
        groups.forEach(g -> value.add(group(g, false)));
        return Map.of("value", value);
    }

    /** A log line as the logs call gives it: with its RFC 3339 time first when asked. */
    static String line(ContainerLog.Line line, boolean timestamps) {
        return timestamps ? line.time() + " " + line.text() : line.text();
    }
}
