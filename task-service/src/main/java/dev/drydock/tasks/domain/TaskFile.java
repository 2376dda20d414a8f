package dev.drydock.tasks.domain;

import dev.drydock.tasks.domain.purge.PurgeCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-step task file ({@code acb.yaml}) in ACR Tasks' format: rendered as a template first (run variables,
 * values and, from v1.1.0, aliases), then read with every problem reported at its line and column. Keys ACR
 * documents but Drydock does not carry out (Key Vault secrets, networks, secret volumes) are refused by name rather
 * than ignored, so a task never runs differently from what its file says.
 */
public record TaskFile(String version, int stepTimeoutSeconds, List<String> env, List<Step> steps) {

    public static final int DEFAULT_STEP_TIMEOUT = 600;
    private static final Set<String> VERSIONS = Set.of("1.0-preview-1", "v1.0.0", "v1.1.0");
    private static final Pattern VERSION = Pattern.compile("(?m)^version:\\s*['\"]?([^'\"\\s#]+)");
    private static final Set<String> TASK_KEYS = Set.of("version", "stepTimeout", "env", "steps", "workingDirectory");
    private static final Set<String> UNSUPPORTED_TASK_KEYS = Set.of("secrets", "networks", "volumes", "alias");
    private static final Set<String> STEP_KEYS = Set.of("id", "build", "push", "cmd", "when", "env", "timeout",
            "retries", "retryDelay", "ignoreErrors", "detach", "startDelay", "entryPoint", "workingDirectory", "user",
            "ports", "expose", "keep");
    private static final Set<String> CMD_OPTIONS = Set.of("entryPoint", "workingDirectory", "user", "ports", "expose",
            "keep");

    /**
     * @param values {@code .Values} (from --set, --set-secret and values files)
     * @throws TaskFileException with line and column
     */
    public static TaskFile parse(String text, RunVariables run, Map<String, String> values) {
        Matcher declared = VERSION.matcher(text);
        String version = declared.find() ? declared.group(1) : "v1.0.0";
        String rendered = Template.render(text, run, values, version.equals("v1.1.0"));
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(rendered));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new TaskFileException(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    e.getProblem() == null ? "malformed YAML" : e.getProblem());
        } catch (RuntimeException e) {
            throw new TaskFileException(1, 1, "malformed YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new TaskFileException(1, 1, "the task file is empty");
        }
        Map<String, NodeTuple> task = mapping(root, "the task file");
        for (Map.Entry<String, NodeTuple> key : task.entrySet()) {
            if (UNSUPPORTED_TASK_KEYS.contains(key.getKey())) {
                throw at(key.getValue().getKeyNode(), "'" + key.getKey() + "' is not supported by Drydock tasks");
            }
            if (!TASK_KEYS.contains(key.getKey())) {
                throw at(key.getValue().getKeyNode(), "unknown property '" + key.getKey() + "'");
            }
        }
        if (task.containsKey("version") && !VERSIONS.contains(scalar(task.get("version").getValueNode(), "version"))) {
            throw at(task.get("version").getValueNode(), "version is one of " + VERSIONS);
        }
        int stepTimeout = task.containsKey("stepTimeout")
                ? integer(task.get("stepTimeout").getValueNode(), "stepTimeout", 1, 28800) : DEFAULT_STEP_TIMEOUT;
        List<String> env = task.containsKey("env") ? strings(task.get("env").getValueNode(), "env") : List.of();
        if (!task.containsKey("steps")) {
            throw at(root, "a task file needs steps");
        }
        Node stepsNode = task.get("steps").getValueNode();
        if (!(stepsNode instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            throw at(stepsNode, "steps is a non-empty list");
        }
        List<Step> steps = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (Node node : sequence.getValue()) {
            Step step = step(node, steps.size(), stepTimeout, env);
            if (ids.put(step.id(), node) != null) {
                throw at(node, "step id '" + step.id() + "' is used twice");
            }
            steps.add(step);
        }
        for (int i = 0; i < steps.size(); i++) {
            checkWhen(steps.get(i), ids, sequence.getValue().get(i));
        }
        StepGraph.of(steps);
        return new TaskFile(version, stepTimeout, env, steps);
    }

    private static Step step(Node node, int index, int stepTimeout, List<String> taskEnv) {
        Map<String, NodeTuple> s = mapping(node, "a step");
        for (Map.Entry<String, NodeTuple> key : s.entrySet()) {
            if (!STEP_KEYS.contains(key.getKey())) {
                throw at(key.getValue().getKeyNode(), "unknown or unsupported step property '" + key.getKey() + "'");
            }
        }
        List<String> kinds = s.keySet().stream().filter(k -> k.equals("build") || k.equals("push")
                || k.equals("cmd")).toList();
        if (kinds.size() != 1) {
            throw at(node, "a step has exactly one of build, push or cmd");
        }
        String id = s.containsKey("id") ? scalar(s.get("id").getValueNode(), "id") : "acb_step_" + index;
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            throw at(s.get("id").getValueNode(), "step id '" + id + "' may hold letters, digits, _ . and - only");
        }
        Step.Kind kind = Step.Kind.valueOf(kinds.get(0).toUpperCase(java.util.Locale.ROOT));
        Node body = s.get(kinds.get(0)).getValueNode();
        BuildSpec build = null;
        List<String> push = null;
        String cmd = null;
        switch (kind) {
            case BUILD -> {
                try {
                    build = BuildSpec.parse(scalar(body, "build"));
                } catch (IllegalArgumentException e) {
                    throw at(body, e.getMessage());
                }
            }
            case PUSH -> {
                push = body instanceof ScalarNode ? List.of(scalar(body, "push")) : strings(body, "push");
                if (push.isEmpty()) {
                    throw at(body, "push names at least one image");
                }
            }
            case CMD -> {
                cmd = scalar(body, "cmd");
                if (cmd.isBlank()) {
                    throw at(body, "cmd names an image");
                }
                if (PurgeCommand.isPurge(cmd)) {
                    try {
                        PurgeCommand.parse(cmd, 1);
                    } catch (IllegalArgumentException e) {
                        throw at(body, e.getMessage());
                    }
                }
            }
        }
        List<String> when = s.containsKey("when") ? strings(s.get("when").getValueNode(), "when") : null;
        Map<String, Object> options = new LinkedHashMap<>();
        for (String option : CMD_OPTIONS) {
            if (s.containsKey(option)) {
                if (kind != Step.Kind.CMD) {
                    throw at(s.get(option).getKeyNode(), option + " applies to cmd steps only");
                }
                Node value = s.get(option).getValueNode();
                options.put(option, value instanceof SequenceNode ? strings(value, option) : scalar(value, option));
            }
        }
        return new Step(id, kind, build, push, cmd, when,
                s.containsKey("env") ? strings(s.get("env").getValueNode(), "env") : taskEnv,
                s.containsKey("timeout") ? integer(s.get("timeout").getValueNode(), "timeout", 1, 28800) : stepTimeout,
                s.containsKey("retries") ? integer(s.get("retries").getValueNode(), "retries", 0, 100) : 0,
                s.containsKey("retryDelay") ? integer(s.get("retryDelay").getValueNode(), "retryDelay", 0, 3600) : 0,
                s.containsKey("ignoreErrors") && bool(s.get("ignoreErrors").getValueNode(), "ignoreErrors"),
                s.containsKey("detach") && bool(s.get("detach").getValueNode(), "detach"),
                s.containsKey("startDelay") ? integer(s.get("startDelay").getValueNode(), "startDelay", 0, 3600) : 0,
                kind == Step.Kind.CMD ? options : null);
    }

    private static void checkWhen(Step step, Map<String, Node> ids, Node node) {
        if (step.when() == null) {
            return;
        }
        if (step.when().contains(Step.IMMEDIATELY) && step.when().size() > 1) {
            throw at(node, "when: \"-\" cannot be combined with step ids");
        }
        for (String dependency : step.when()) {
            if (dependency.equals(step.id())) {
                throw at(node, "step '" + step.id() + "' cannot wait for itself");
            }
            if (!dependency.equals(Step.IMMEDIATELY) && !ids.containsKey(dependency)) {
                throw at(node, "when names '" + dependency + "', which is no step id");
            }
        }
    }

    private static Map<String, NodeTuple> mapping(Node node, String what) {
        if (!(node instanceof MappingNode m)) {
            throw at(node, what + " is a mapping of properties");
        }
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : m.getValue()) {
            String key = scalar(tuple.getKeyNode(), "a key");
            if (!seen.add(key)) {
                throw at(tuple.getKeyNode(), "'" + key + "' appears twice");
            }
            keys.put(key, tuple);
        }
        return keys;
    }

    private static String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) {
            throw at(node, what + " is a single value");
        }
        return s.getValue();
    }

    private static List<String> strings(Node node, String what) {
        if (!(node instanceof SequenceNode s)) {
            throw at(node, what + " is a list");
        }
        List<String> values = new ArrayList<>();
        for (Node item : s.getValue()) {
            values.add(scalar(item, what + " entry"));
        }
        return values;
    }

    private static int integer(Node node, String what, int min, int max) {
        String text = scalar(node, what);
        try {
            int value = Integer.parseInt(text.strip());
            if (value < min || value > max) {
                throw at(node, what + " is between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw at(node, what + " is a whole number of seconds, got '" + text + "'");
        }
    }

    private static boolean bool(Node node, String what) {
        String text = scalar(node, what);
        return switch (text) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw at(node, what + " is true or false, got '" + text + "'");
        };
    }

    private static TaskFileException at(Node node, String message) {
        Mark mark = node.getStartMark();
        return new TaskFileException(mark.getLine() + 1, mark.getColumn() + 1, message);
    }
}
