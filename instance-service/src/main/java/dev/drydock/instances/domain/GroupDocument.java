package dev.drydock.instances.domain;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group spec written back in ACI's shape and spelling: stored with its secure values (so a restarted service can
 * run the group again), shown and exported without them (secure environment values, secret volume contents and
 * registry passwords never leave the service). Parsing the stored form gives the same spec.
 */
public final class GroupDocument {

    /** The ACI API version an exported document names when the submitted one did not. */
    static final String API_VERSION = "2023-05-01";

    private GroupDocument() {
    }

    public static Map<String, Object> render(GroupSpec spec, boolean withSecrets) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", spec.apiVersion() == null ? API_VERSION : spec.apiVersion());
        doc.put("name", spec.name());
        doc.put("type", "Microsoft.ContainerInstance/containerGroups");
        if (!spec.tags().isEmpty()) {
            doc.put("tags", new LinkedHashMap<>(spec.tags()));
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        doc.put("properties", properties);
        properties.put("osType", "Linux");
        properties.put("sku", "Standard");
        properties.put("restartPolicy", spec.restartPolicy().name());
        if (spec.autoUpdate()) {
            properties.put("autoUpdate", true);
        }
        if (!spec.initContainers().isEmpty()) {
            properties.put("initContainers", containers(spec.initContainers(), withSecrets));
        }
        properties.put("containers", containers(spec.containers(), withSecrets));
        if (!spec.publicPorts().isEmpty()) {
            Map<String, Object> ip = new LinkedHashMap<>();
            ip.put("type", "Public");
            ip.put("ports", ports(spec.publicPorts()));
            properties.put("ipAddress", ip);
        }
        if (!spec.volumes().isEmpty()) {
            List<Object> volumes = new ArrayList<>();
            for (GroupSpec.Volume v : spec.volumes()) {
                volumes.add(volume(v, withSecrets));
            }
            properties.put("volumes", volumes);
        }
        if (!spec.registryCredentials().isEmpty()) {
            List<Object> credentials = new ArrayList<>();
            for (GroupSpec.RegistryCredential c : spec.registryCredentials()) {
                Map<String, Object> credential = new LinkedHashMap<>();
                credential.put("server", c.server());
                putIfPresent(credential, "username", c.username());
                if (withSecrets) {
                    putIfPresent(credential, "password", c.password());
                }
                credentials.add(credential);
            }
            properties.put("imageRegistryCredentials", credentials);
        }
        return doc;
    }

    /** The export: YAML in block style, as {@code az container export} writes it. */
    public static String yaml(Map<String, Object> document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        return new Yaml(options).dump(document);
    }

    private static List<Object> containers(List<GroupSpec.Container> containers, boolean withSecrets) {
        List<Object> list = new ArrayList<>();
        for (GroupSpec.Container c : containers) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("image", c.image());
            if (!c.command().isEmpty()) {
                p.put("command", new ArrayList<>(c.command()));
            }
            if (!c.args().isEmpty()) {
                p.put("args", new ArrayList<>(c.args()));
            }
            if (!c.ports().isEmpty()) {
                p.put("ports", ports(c.ports()));
            }
            if (!c.env().isEmpty()) {
                List<Object> env = new ArrayList<>();
                for (GroupSpec.EnvVar e : c.env()) {
                    Map<String, Object> var = new LinkedHashMap<>();
                    var.put("name", e.name());
                    if (!e.secure()) {
                        var.put("value", e.value());
                    } else if (withSecrets) {
                        var.put("secureValue", e.value());
                    }
                    env.add(var);
                }
                p.put("environmentVariables", env);
            }
            if (c.requests() != null) {
                Map<String, Object> resources = new LinkedHashMap<>();
                resources.put("requests", resources(c.requests()));
                if (c.limits() != null) {
                    resources.put("limits", resources(c.limits()));
                }
                p.put("resources", resources);
            }
            if (!c.mounts().isEmpty()) {
                List<Object> mounts = new ArrayList<>();
                for (GroupSpec.Mount m : c.mounts()) {
                    Map<String, Object> mount = new LinkedHashMap<>();
                    mount.put("name", m.volume());
                    mount.put("mountPath", m.path());
                    mount.put("readOnly", m.readOnly());
                    mounts.add(mount);
                }
                p.put("volumeMounts", mounts);
            }
            if (c.liveness() != null) {
                p.put("livenessProbe", probe(c.liveness()));
            }
            if (c.readiness() != null) {
                p.put("readinessProbe", probe(c.readiness()));
            }
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("name", c.name());
            container.put("properties", p);
            list.add(container);
        }
        return list;
    }

    private static Map<String, Object> probe(GroupSpec.Probe probe) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (probe.exec() != null) {
            p.put("exec", Map.of("command", new ArrayList<>(probe.exec())));
        } else {
            Map<String, Object> http = new LinkedHashMap<>();
            http.put("path", probe.path());
            http.put("port", probe.port());
            http.put("scheme", probe.scheme());
            p.put("httpGet", http);
        }
        p.put("initialDelaySeconds", probe.initialDelaySeconds());
        p.put("periodSeconds", probe.periodSeconds());
        p.put("failureThreshold", probe.failureThreshold());
        p.put("successThreshold", probe.successThreshold());
        p.put("timeoutSeconds", probe.timeoutSeconds());
        return p;
    }

    private static Map<String, Object> volume(GroupSpec.Volume v, boolean withSecrets) {
        Map<String, Object> volume = new LinkedHashMap<>();
        volume.put("name", v.name());
        switch (v.kind()) {
            case EMPTY_DIR -> volume.put("emptyDir", new LinkedHashMap<>());
            case SECRET -> {
                Map<String, Object> files = new LinkedHashMap<>();
                if (withSecrets) {
                    v.secret().forEach((file, content) -> files.put(file, Base64.getEncoder().encodeToString(content)));
                }
                volume.put("secret", files);
            }
            case GIT_REPO -> {
                Map<String, Object> git = new LinkedHashMap<>();
                git.put("repository", v.repository());
                putIfPresent(git, "directory", v.directory());
                putIfPresent(git, "revision", v.revision());
                volume.put("gitRepo", git);
            }
            case SHARE -> {
                Map<String, Object> share = new LinkedHashMap<>();
                share.put("shareName", v.shareName());
                share.put("readOnly", v.readOnly());
                volume.put("azureFile", share);
            }
        }
        return volume;
    }

    private static List<Object> ports(List<GroupSpec.Port> ports) {
        List<Object> list = new ArrayList<>();
        for (GroupSpec.Port port : ports) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("port", port.port());
            p.put("protocol", port.protocol());
            list.add(p);
        }
        return list;
    }

    private static Map<String, Object> resources(GroupSpec.Resources r) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cpu", r.cpu());
        map.put("memoryInGB", r.memoryInGB());
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
