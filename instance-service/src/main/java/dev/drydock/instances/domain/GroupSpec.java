package dev.drydock.instances.domain;

import dev.drydock.documents.DocumentNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A container group as ACI specifies it (YAML or JSON, keys matched case-insensitively), checked as a whole before
 * anything runs: names, the group's limits (60 containers, 20 volumes, 5 public ports), every mount naming a
 * declared volume, no port twice in the group, public ports among the containers' ports, limits at least the
 * container's requests and at most the group's total requests, exactly one kind per volume and per env value.
 * Fields ACI has that Drydock does not carry out are refused by name, never silently ignored. Two extensions:
 * {@code properties.autoUpdate} (redeploy when a followed tag is pushed) and a container's {@code args}.
 */
public record GroupSpec(String name, String apiVersion, Map<String, String> tags, RestartPolicy restartPolicy,
        List<Container> initContainers, List<Container> containers, List<Volume> volumes, List<Port> publicPorts,
        List<RegistryCredential> registryCredentials, boolean autoUpdate) {

    public enum RestartPolicy { Always, OnFailure, Never }

    public record Port(int port, String protocol) {
    }

    /** @param secure a secureValue: never shown by show or export */
    public record EnvVar(String name, String value, boolean secure) {
    }

    public record Resources(double cpu, double memoryInGB) {
    }

    public record Mount(String volume, String path, boolean readOnly) {
    }

    /** @param exec a command, or null for an httpGet probe */
    public record Probe(List<String> exec, String path, int port, String scheme, int initialDelaySeconds,
            int periodSeconds, int failureThreshold, int successThreshold, int timeoutSeconds) {
    }

    /**
     * @param command replaces the image's entrypoint and cmd, as in ACI; empty keeps the image's
     * @param args    (Drydock, as Kubernetes' args) replaces only the image's cmd, keeping its entrypoint
     */
    public record Container(String name, String image, List<String> command, List<String> args, List<Port> ports,
            List<EnvVar> env,
            Resources requests, Resources limits, List<Mount> mounts, Probe liveness, Probe readiness) {
    }

    public enum VolumeKind { EMPTY_DIR, SECRET, GIT_REPO, SHARE }

    /**
     * @param secret    file name to content (decoded), for SECRET
     * @param shareName the persistent share's name, for SHARE (ACI's azureFile)
     */
    public record Volume(String name, VolumeKind kind, Map<String, byte[]> secret, String repository,
            String directory, String revision, String shareName, boolean readOnly) {
    }

    public record RegistryCredential(String server, String username, String password) {
    }

    static final int MAX_CONTAINERS = 60;
    static final int MAX_VOLUMES = 20;
    static final int MAX_PUBLIC_PORTS = 5;

    private static final Set<String> TOP = Set.of("apiversion", "location", "name", "type", "tags", "properties");
    private static final Set<String> TOP_UNSUPPORTED = Set.of("identity", "zones");
    private static final Set<String> PROPERTIES = Set.of("containers", "initcontainers", "imageregistrycredentials",
            "restartpolicy", "ipaddress", "ostype", "volumes", "sku", "autoupdate");
    private static final Set<String> PROPERTIES_UNSUPPORTED = Set.of("diagnostics", "subnetids", "dnsconfig",
            "encryptionproperties", "priority", "confidentialcomputeproperties", "extensions", "secretreferences",
            "identityacls", "containergroupprofile", "standbypoolprofile", "networkprofile");
    private static final Set<String> CONTAINER = Set.of("image", "command", "args", "ports", "environmentvariables",
            "resources", "volumemounts", "livenessprobe", "readinessprobe");
    private static final Set<String> CONTAINER_UNSUPPORTED = Set.of("securitycontext", "configmap");

    /** @throws DocumentException with the line and column of the first problem */
    public static GroupSpec parse(String text) {
        DocumentNode root = DocumentNode.parse(text);
        Map<String, DocumentNode> top = root.fields(TOP, TOP_UNSUPPORTED);
        String name = DocumentNode.optional(top, "name").map(DocumentNode::text).orElseThrow(() -> root.error(
                "a container group needs a name"));
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw top.get("name").error("a group name is 1 to 63 lowercase letters, digits and -, not at the ends");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        DocumentNode.optional(top, "tags").ifPresent(t -> t.entries().forEach((k, v) -> tags.put(k, v.text())));
        DocumentNode propertiesNode = DocumentNode.optional(top, "properties").orElseThrow(() -> root.error(
                "a container group needs properties"));
        Map<String, DocumentNode> properties = propertiesNode.fields(PROPERTIES, PROPERTIES_UNSUPPORTED);

        DocumentNode.optional(properties, "ostype").ifPresent(os -> {
            if (!os.text().equalsIgnoreCase("Linux")) {
                throw os.error("only Linux container groups run here");
            }
        });
        DocumentNode.optional(properties, "sku").ifPresent(sku -> {
            if (!sku.text().equalsIgnoreCase("Standard")) {
                throw sku.error("only the Standard sku runs here");
            }
        });
        RestartPolicy restart = DocumentNode.optional(properties, "restartpolicy").map(r -> {
            for (RestartPolicy p : RestartPolicy.values()) {
                if (p.name().equalsIgnoreCase(r.text())) {
                    return p;
                }
            }
            throw r.error("is Always, OnFailure or Never");
        }).orElse(RestartPolicy.Always);

        List<Volume> volumes = new ArrayList<>();
        Map<String, DocumentNode> volumeNodes = new HashMap<>();
        for (DocumentNode v : DocumentNode.optional(properties, "volumes").map(DocumentNode::list).orElse(List.of())) {
            Volume volume = volume(v);
            if (volumeNodes.put(volume.name(), v) != null) {
                throw v.error("volume '" + volume.name() + "' is declared twice");
            }
            volumes.add(volume);
        }
        if (volumes.size() > MAX_VOLUMES) {
            throw properties.get("volumes").error("a group has at most " + MAX_VOLUMES + " volumes");
        }

        List<Container> init = containers(properties, "initcontainers", true, volumeNodes.keySet());
        DocumentNode containersNode = DocumentNode.optional(properties, "containers").orElseThrow(() -> propertiesNode.error(
                "a container group needs containers"));
        List<Container> containers = containers(properties, "containers", false, volumeNodes.keySet());
        if (containers.isEmpty()) {
            throw containersNode.error("a container group needs at least one container");
        }
        if (containers.size() > MAX_CONTAINERS || init.size() + containers.size() > MAX_CONTAINERS) {
            throw containersNode.error("a group has at most " + MAX_CONTAINERS + " containers");
        }
        Set<String> names = new HashSet<>();
        for (Container c : concat(init, containers)) {
            if (!names.add(c.name())) {
                throw containersNode.error("container '" + c.name() + "' is named twice");
            }
        }
        checkPortsAndLimits(containersNode, containers);

        List<Port> publicPorts = new ArrayList<>();
        DocumentNode.optional(properties, "ipaddress").ifPresent(ip -> {
            Map<String, DocumentNode> fields = ip.fields(Set.of("type", "ports", "ip", "dnsnamelabel",
                    "autogenerateddomainnamelabelscope", "fqdn"), Set.of());
            DocumentNode.optional(fields, "type").ifPresent(t -> {
                if (!t.text().equalsIgnoreCase("Public") && !t.text().equalsIgnoreCase("Private")) {
                    throw t.error("is Public or Private");
                }
            });
            for (DocumentNode p : DocumentNode.optional(fields, "ports").map(DocumentNode::list).orElse(List.of())) {
                Port port = port(p);
                boolean declared = containers.stream().anyMatch(c -> c.ports().contains(port));
                if (!declared) {
                    throw p.error("port " + port.port() + "/" + port.protocol() + " is published but no container"
                            + " lists it in its ports");
                }
                publicPorts.add(port);
            }
            if (publicPorts.size() > MAX_PUBLIC_PORTS) {
                throw fields.get("ports").error("at most " + MAX_PUBLIC_PORTS + " ports are published");
            }
        });

        List<RegistryCredential> credentials = new ArrayList<>();
        for (DocumentNode c : DocumentNode.optional(properties, "imageregistrycredentials").map(DocumentNode::list)
                .orElse(List.of())) {
            Map<String, DocumentNode> fields = c.fields(Set.of("server", "username", "password"),
                    Set.of("identity", "identityurl", "passwordreference"));
            String server = DocumentNode.optional(fields, "server").map(DocumentNode::text)
                    .orElseThrow(() -> c.error("a registry credential needs a server"));
            if (server.contains("://")) {
                throw fields.get("server").error("the server is a host[:port], without a scheme");
            }
            credentials.add(new RegistryCredential(server, DocumentNode.optional(fields, "username").map(DocumentNode::text)
                    .orElse(null), DocumentNode.optional(fields, "password").map(DocumentNode::text).orElse(null)));
        }
        String apiVersion = DocumentNode.optional(top, "apiversion").map(DocumentNode::text).orElse(null);
        boolean autoUpdate = DocumentNode.optional(properties, "autoupdate").map(DocumentNode::bool).orElse(false);
        return new GroupSpec(name, apiVersion, tags, restart, init, containers, volumes, publicPorts, credentials,
                autoUpdate);
    }

    private static List<Container> containers(Map<String, DocumentNode> properties, String key, boolean init,
            Set<String> volumes) {
        List<Container> containers = new ArrayList<>();
        for (DocumentNode node : DocumentNode.optional(properties, key).map(DocumentNode::list).orElse(List.of())) {
            containers.add(container(node, init, volumes));
        }
        return containers;
    }

    private static Container container(DocumentNode node, boolean init, Set<String> volumes) {
        Map<String, DocumentNode> outer = node.fields(Set.of("name", "properties"), Set.of());
        String name = DocumentNode.optional(outer, "name").map(DocumentNode::text)
                .orElseThrow(() -> node.error("a container needs a name"));
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw outer.get("name").error("a container name is 1 to 63 lowercase letters, digits and -");
        }
        DocumentNode propertiesNode = DocumentNode.optional(outer, "properties")
                .orElseThrow(() -> node.error("container '" + name + "' needs properties"));
        Set<String> known = init ? Set.of("image", "command", "args", "environmentvariables", "volumemounts") : CONTAINER;
        Set<String> refused = new HashSet<>(CONTAINER_UNSUPPORTED);
        if (init) {
            refused.addAll(Set.of("ports", "resources", "livenessprobe", "readinessprobe"));
        }
        Map<String, DocumentNode> p = propertiesNode.fields(known, refused);
        String image = DocumentNode.optional(p, "image").map(DocumentNode::text)
                .orElseThrow(() -> propertiesNode.error("container '" + name + "' needs an image"));
        List<String> command = DocumentNode.optional(p, "command").map(DocumentNode::texts).orElse(List.of());
        List<String> args = DocumentNode.optional(p, "args").map(DocumentNode::texts).orElse(List.of());
        List<Port> ports = new ArrayList<>();
        for (DocumentNode port : DocumentNode.optional(p, "ports").map(DocumentNode::list).orElse(List.of())) {
            ports.add(port(port));
        }
        List<EnvVar> env = new ArrayList<>();
        Set<String> envNames = new HashSet<>();
        for (DocumentNode e : DocumentNode.optional(p, "environmentvariables").map(DocumentNode::list).orElse(List.of())) {
            Map<String, DocumentNode> fields = e.fields(Set.of("name", "value", "securevalue"),
                    Set.of("securevaluereference"));
            String envName = DocumentNode.optional(fields, "name").map(DocumentNode::text)
                    .orElseThrow(() -> e.error("an environment variable needs a name"));
            if (!envName.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw fields.get("name").error("an environment variable name is letters, digits and _");
            }
            if (!envNames.add(envName)) {
                throw e.error("environment variable " + envName + " is set twice");
            }
            if (fields.containsKey("value") == fields.containsKey("securevalue")) {
                throw e.error("an environment variable has exactly one of value and secureValue");
            }
            env.add(fields.containsKey("value") ? new EnvVar(envName, fields.get("value").text(), false)
                    : new EnvVar(envName, fields.get("securevalue").text(), true));
        }
        Resources requests = null;
        Resources limits = null;
        if (!init) {
            DocumentNode resources = DocumentNode.optional(p, "resources")
                    .orElseThrow(() -> propertiesNode.error("container '" + name + "' needs resources.requests"));
            Map<String, DocumentNode> r = resources.fields(Set.of("requests", "limits"), Set.of());
            requests = resources(DocumentNode.optional(r, "requests")
                    .orElseThrow(() -> resources.error("container '" + name + "' needs resources.requests")));
            limits = DocumentNode.optional(r, "limits").map(GroupSpec::resources).orElse(null);
            if (limits != null && (limits.cpu() < requests.cpu() || limits.memoryInGB() < requests.memoryInGB())) {
                throw r.get("limits").error("limits are at least the container's requests");
            }
        }
        List<Mount> mounts = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        for (DocumentNode m : DocumentNode.optional(p, "volumemounts").map(DocumentNode::list).orElse(List.of())) {
            Map<String, DocumentNode> fields = m.fields(Set.of("name", "mountpath", "readonly"), Set.of());
            String volume = DocumentNode.optional(fields, "name").map(DocumentNode::text)
                    .orElseThrow(() -> m.error("a volume mount names its volume"));
            if (!volumes.contains(volume)) {
                throw fields.get("name").error("no volume named '" + volume + "' is declared in properties.volumes");
            }
            String path = DocumentNode.optional(fields, "mountpath").map(DocumentNode::text)
                    .orElseThrow(() -> m.error("a volume mount needs a mountPath"));
            if (!path.startsWith("/") || path.contains(":") || List.of(path.split("/")).contains("..")) {
                throw fields.get("mountpath").error("a mountPath is absolute, without ':' or '..'");
            }
            if (!paths.add(path)) {
                throw fields.get("mountpath").error(path + " is mounted twice in container '" + name + "'");
            }
            mounts.add(new Mount(volume, path, DocumentNode.optional(fields, "readonly").map(DocumentNode::bool)
                    .orElse(false)));
        }
        Probe liveness = DocumentNode.optional(p, "livenessprobe").map(GroupSpec::probe).orElse(null);
        Probe readiness = DocumentNode.optional(p, "readinessprobe").map(GroupSpec::probe).orElse(null);
        return new Container(name, image, command, args, ports, env, requests, limits, mounts, liveness, readiness);
    }

    private static Resources resources(DocumentNode node) {
        Map<String, DocumentNode> fields = node.fields(Set.of("cpu", "memoryingb"), Set.of("gpu"));
        DocumentNode cpu = DocumentNode.optional(fields, "cpu").orElseThrow(() -> node.error("needs cpu"));
        DocumentNode memory = DocumentNode.optional(fields, "memoryingb").orElseThrow(() -> node.error("needs memoryInGB"));
        if (cpu.number() <= 0 || cpu.number() > 31) {
            throw cpu.error("cpu is more than 0 and at most 31");
        }
        if (memory.number() <= 0 || memory.number() > 240) {
            throw memory.error("memoryInGB is more than 0 and at most 240");
        }
        return new Resources(cpu.number(), memory.number());
    }

    private static Probe probe(DocumentNode node) {
        Map<String, DocumentNode> fields = node.fields(Set.of("exec", "httpget", "initialdelayseconds", "periodseconds",
                "failurethreshold", "successthreshold", "timeoutseconds"), Set.of());
        if (fields.containsKey("exec") == fields.containsKey("httpget")) {
            throw node.error("a probe has exactly one of exec and httpGet");
        }
        List<String> exec = null;
        String path = null;
        int port = 0;
        String scheme = null;
        if (fields.containsKey("exec")) {
            exec = fields.get("exec").fields(Set.of("command"), Set.of()).get("command").texts();
        } else {
            Map<String, DocumentNode> http = fields.get("httpget").fields(Set.of("path", "port", "scheme", "httpheaders"),
                    Set.of());
            path = DocumentNode.optional(http, "path").map(DocumentNode::text).orElse("/");
            port = DocumentNode.optional(http, "port").orElseThrow(() -> fields.get("httpget").error("needs a port"))
                    .integer(1, 65535);
            scheme = DocumentNode.optional(http, "scheme").map(s -> s.text().toLowerCase(Locale.ROOT)).orElse("http");
        }
        return new Probe(exec, path, port, scheme,
                DocumentNode.optional(fields, "initialdelayseconds").map(n -> n.integer(0, 3600)).orElse(0),
                DocumentNode.optional(fields, "periodseconds").map(n -> n.integer(1, 3600)).orElse(10),
                DocumentNode.optional(fields, "failurethreshold").map(n -> n.integer(1, 100)).orElse(3),
                DocumentNode.optional(fields, "successthreshold").map(n -> n.integer(1, 100)).orElse(1),
                DocumentNode.optional(fields, "timeoutseconds").map(n -> n.integer(1, 3600)).orElse(1));
    }

    private static Volume volume(DocumentNode node) {
        Map<String, DocumentNode> fields = node.fields(Set.of("name", "emptydir", "secret", "gitrepo", "azurefile"),
                Set.of("secretreference"));
        String name = DocumentNode.optional(fields, "name").map(DocumentNode::text)
                .orElseThrow(() -> node.error("a volume needs a name"));
        // ACI's own examples name volumes "data": the documented 5-character minimum is not what it enforces
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?") || name.contains("--")) {
            throw fields.get("name").error("a volume name is 1 to 63 lowercase letters, digits and -, without --");
        }
        List<String> kinds = fields.keySet().stream().filter(k -> !k.equals("name")).toList();
        if (kinds.size() != 1) {
            throw node.error("volume '" + name + "' has exactly one of emptyDir, secret, gitRepo and azureFile");
        }
        DocumentNode body = fields.get(kinds.get(0));
        return switch (kinds.get(0)) {
            case "emptydir" -> new Volume(name, VolumeKind.EMPTY_DIR, Map.of(), null, null, null, null, false);
            case "secret" -> {
                Map<String, byte[]> files = new LinkedHashMap<>();
                body.entries().forEach((file, value) -> {
                    if (!file.matches("[A-Za-z0-9._-]+") || file.equals(".") || file.equals("..")) {
                        throw value.error("a secret file name is letters, digits, . _ and -");
                    }
                    try {
                        files.put(file, Base64.getDecoder().decode(value.text().strip()));
                    } catch (IllegalArgumentException e) {
                        throw value.error("secret values are base64");
                    }
                });
                yield new Volume(name, VolumeKind.SECRET, files, null, null, null, null, true);
            }
            case "gitrepo" -> {
                Map<String, DocumentNode> git = body.fields(Set.of("repository", "directory", "revision"), Set.of());
                String repository = DocumentNode.optional(git, "repository").map(DocumentNode::text)
                        .orElseThrow(() -> body.error("gitRepo needs a repository"));
                String directory = DocumentNode.optional(git, "directory").map(DocumentNode::text).orElse(null);
                if (directory != null && (directory.startsWith("/") || List.of(directory.split("/")).contains(".."))) {
                    throw git.get("directory").error("the directory stays inside the volume");
                }
                yield new Volume(name, VolumeKind.GIT_REPO, Map.of(), repository, directory,
                        DocumentNode.optional(git, "revision").map(DocumentNode::text).orElse(null), null, false);
            }
            default -> {
                Map<String, DocumentNode> share = body.fields(Set.of("sharename", "storageaccountname",
                        "storageaccountkey", "readonly"), Set.of("storageaccountkeyreference",
                        "userassignedidentityclientid"));
                String shareName = DocumentNode.optional(share, "sharename").map(DocumentNode::text)
                        .orElseThrow(() -> body.error("azureFile needs a shareName"));
                if (!shareName.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")) {
                    throw share.get("sharename").error("a share name is 3 to 63 lowercase letters, digits and -");
                }
                yield new Volume(name, VolumeKind.SHARE, Map.of(), null, null, null, shareName,
                        DocumentNode.optional(share, "readonly").map(DocumentNode::bool).orElse(false));
            }
        };
    }

    private static Port port(DocumentNode node) {
        Map<String, DocumentNode> fields = node.fields(Set.of("port", "protocol"), Set.of());
        int port = DocumentNode.optional(fields, "port").orElseThrow(() -> node.error("needs a port")).integer(1, 65535);
        String protocol = DocumentNode.optional(fields, "protocol").map(p -> p.text().toUpperCase(Locale.ROOT))
                .orElse("TCP");
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
            throw fields.get("protocol").error("is TCP or UDP");
        }
        return new Port(port, protocol);
    }

    /** No port twice in the group (they share one network namespace); limits within the group's total requests. */
    private static void checkPortsAndLimits(DocumentNode containersNode, List<Container> containers) {
        Map<Port, String> owners = new HashMap<>();
        double cpu = 0;
        double memory = 0;
        for (Container c : containers) {
            for (Port port : c.ports()) {
                String other = owners.put(port, c.name());
                if (other != null) {
                    throw containersNode.error("port " + port.port() + "/" + port.protocol() + " is listed by both "
                            + other + " and " + c.name() + "; the containers of a group share one network");
                }
            }
            cpu += c.requests().cpu();
            memory += c.requests().memoryInGB();
        }
        for (Container c : containers) {
            if (c.limits() != null && (c.limits().cpu() > cpu + 1e-9 || c.limits().memoryInGB() > memory + 1e-9)) {
                throw containersNode.error("ContainerLimitGreaterThanContainerGroupTotalRequest: the limits of '"
                        + c.name() + "' exceed the group's total requests (" + cpu + " CPU, " + memory + " GB)");
            }
        }
    }

    private static List<Container> concat(List<Container> a, List<Container> b) {
        List<Container> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
