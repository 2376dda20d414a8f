package dev.drydock.instances.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * The containers' default seccomp profile (podman's and docker's: {@code /usr/share/containers/seccomp.json}) as the
 * OCI runtime configuration wants it. That file is a template: each rule may apply only with certain capabilities or
 * on certain architectures; here it is resolved for x86-64 and the capabilities containers get, so a syscall that
 * needs a capability they lack (mount, ptrace of others, kernel modules, keyrings, bpf ...) fails with EPERM/ENOSYS.
 */
public final class SeccompProfile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ARCHES = Set.of("amd64", "x86_64");

    private SeccompProfile() {
    }

    /** @throws IOException when the profile is missing or not in the containers' format */
    public static ObjectNode load(Path file, Collection<String> capabilities) throws IOException {
        JsonNode template = JSON.readTree(file.toFile());
        if (template == null || !template.has("defaultAction") || !template.path("syscalls").isArray()) {
            throw new IOException(file + " is not a seccomp profile in the containers' format");
        }
        ObjectNode profile = JSON.createObjectNode();
        profile.put("defaultAction", template.path("defaultAction").asText());
        if (template.has("defaultErrnoRet")) {
            profile.put("defaultErrnoRet", template.path("defaultErrnoRet").asInt());
        }
        ArrayNode architectures = profile.putArray("architectures");
        for (JsonNode entry : template.path("archMap")) {
            if (entry.path("architecture").asText().equals("SCMP_ARCH_X86_64")) {
                architectures.add("SCMP_ARCH_X86_64");
                entry.path("subArchitectures").forEach(architectures::add);
            }
        }
        if (architectures.isEmpty()) {
            architectures.add("SCMP_ARCH_X86_64");
        }
        ArrayNode syscalls = profile.putArray("syscalls");
        for (JsonNode rule : template.path("syscalls")) {
            if (!applies(rule.path("includes"), rule.path("excludes"), capabilities)) {
                continue;
            }
            ObjectNode out = syscalls.addObject();
            out.set("names", rule.path("names"));
            out.put("action", rule.path("action").asText());
            if (rule.path("args").isArray() && !rule.path("args").isEmpty()) {
                out.set("args", rule.path("args"));
            }
            if (rule.has("errnoRet")) {
                out.put("errnoRet", rule.path("errnoRet").asInt());
            }
        }
        return profile;
    }

    private static boolean applies(JsonNode includes, JsonNode excludes, Collection<String> capabilities) {
        if (includes.path("arches").isArray() && !includes.path("arches").isEmpty()
                && !contains(includes.path("arches"), ARCHES)) {
            return false;
        }
        if (contains(excludes.path("arches"), ARCHES)) {
            return false;
        }
        for (JsonNode cap : includes.path("caps")) {
            if (!capabilities.contains(cap.asText())) {
                return false;
            }
        }
        for (JsonNode cap : excludes.path("caps")) {
            if (capabilities.contains(cap.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(JsonNode list, Set<String> any) {
        for (JsonNode item : list) {
            if (any.contains(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
