package dev.drydock.tasks.domain;

import dev.drydock.oci.ImageReference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile builds on, as ACR Tasks works it out before a build: the stages with their {@code FROM}, global
 * {@code ARG}s (overridden by build arguments) substituted, {@code AS} aliases followed. The final stage (or the
 * {@code --target}) has the runtime dependency; every other image a stage up to it starts from, or copies from with
 * {@code COPY --from=<image>}, is a build-time dependency. {@code scratch} is none.
 */
public final class Dockerfile {

    /** A stage: its line, name (alias, or null) and origin: an image or an earlier stage. */
    public record Stage(int line, String name, String origin, boolean fromStage) {
    }

    /** The dependencies of a build. @param runtime null when the final stage starts from scratch */
    public record Dependencies(BaseImage runtime, List<BaseImage> buildTime) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?}"
            + "|([A-Za-z_][A-Za-z0-9_]*))");

    private final List<Stage> stages;
    private final Map<Integer, List<String>> copiesFrom;

    private Dockerfile(List<Stage> stages, Map<Integer, List<String>> copiesFrom) {
        this.stages = List.copyOf(stages);
        this.copiesFrom = copiesFrom;
    }

    /**
     * @param buildArgs {@code --build-arg} values; they override the defaults of global ARGs
     * @throws InvalidDockerfileException with the line of the problem
     */
    public static Dockerfile parse(String text, Map<String, String> buildArgs) {
        Map<String, String> globals = new HashMap<>();
        List<Stage> stages = new ArrayList<>();
        Map<Integer, List<String>> copiesFrom = new HashMap<>();
        for (Instruction instruction : instructions(text)) {
            String keyword = instruction.keyword();
            if (keyword.equals("ARG") && stages.isEmpty()) {
                for (String declaration : instruction.arguments().trim().split("\\s+")) {
                    int eq = declaration.indexOf('=');
                    String name = eq < 0 ? declaration : declaration.substring(0, eq);
                    String value = buildArgs.containsKey(name) ? buildArgs.get(name)
                            : eq < 0 ? null : unquote(declaration.substring(eq + 1));
                    globals.put(name, value);
                }
            } else if (keyword.equals("FROM")) {
                stages.add(stage(instruction, globals, stages));
            } else if (keyword.equals("COPY") && !stages.isEmpty()) {
                Matcher from = Pattern.compile("--from=(\\S+)").matcher(instruction.arguments());
                if (from.find()) {
                    copiesFrom.computeIfAbsent(stages.size() - 1, i -> new ArrayList<>())
                            .add(substitute(from.group(1), globals, instruction.line()));
                }
            } else if (stages.isEmpty() && !keyword.equals("ARG")) {
                throw new InvalidDockerfileException(instruction.line(), keyword + " before the first FROM");
            }
        }
        if (stages.isEmpty()) {
            throw new InvalidDockerfileException(1, "no FROM instruction");
        }
        return new Dockerfile(stages, copiesFrom);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** @param target the stage to build (name or index), or null for the last */
    public Dependencies dependencies(String target) {
        int last = stages.size() - 1;
        if (target != null && !target.isBlank()) {
            last = stageIndex(target, stages.size());
            if (last < 0) {
                throw new InvalidDockerfileException(1, "no stage named " + target);
            }
        }
        BaseImage runtime = imageOf(last);
        Set<BaseImage> buildTime = new LinkedHashSet<>();
        for (int i = 0; i <= last; i++) {
            Stage stage = stages.get(i);
            if (!stage.fromStage() && i != last) {
                image(stage.origin()).ifPresent(buildTime::add);
            }
            for (String from : copiesFrom.getOrDefault(i, List.of())) {
                if (stageIndex(from, i) < 0) {
                    image(from).ifPresent(buildTime::add);
                }
            }
        }
        if (runtime != null) {
            buildTime.remove(runtime);
        }
        return new Dependencies(runtime, List.copyOf(buildTime));
    }

    /** The image a stage ultimately starts from, following stage aliases; null for scratch. */
    private BaseImage imageOf(int index) {
        Stage stage = stages.get(index);
        while (stage.fromStage()) {
            stage = stages.get(stageIndex(stage.origin(), stages.indexOf(stage)));
        }
        return image(stage.origin()).orElse(null);
    }

    private static Optional<BaseImage> image(String origin) {
        if (origin.equalsIgnoreCase("scratch")) {
            return Optional.empty();
        }
        return Optional.of(BaseImage.of(ImageReference.parse(origin)));
    }

    /** The index of the stage named (or numbered) {@code ref} among the first {@code before} stages, or -1. */
    private int stageIndex(String ref, int before) {
        for (int i = 0; i < before; i++) {
            if (ref.equalsIgnoreCase(stages.get(i).name())) {
                return i;
            }
        }
        if (ref.matches("\\d+") && Integer.parseInt(ref) < before) {
            return Integer.parseInt(ref);
        }
        return -1;
    }

    private static Stage stage(Instruction instruction, Map<String, String> globals, List<Stage> earlier) {
        List<String> words = new ArrayList<>(List.of(instruction.arguments().trim().split("\\s+")));
        words.removeIf(w -> w.startsWith("--"));
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new InvalidDockerfileException(instruction.line(), "FROM needs an image");
        }
        String name = null;
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
            name = words.get(2).toLowerCase(Locale.ROOT);
        } else if (words.size() != 1) {
            throw new InvalidDockerfileException(instruction.line(), "FROM is image [AS name]");
        }
        String origin = substitute(words.get(0), globals, instruction.line());
        if (origin.isEmpty()) {
            throw new InvalidDockerfileException(instruction.line(), "FROM names an empty image (an ARG without value?)");
        }
        boolean fromStage = earlier.stream().anyMatch(s -> origin.equalsIgnoreCase(s.name()));
        if (!fromStage && !origin.equalsIgnoreCase("scratch")) {
            try {
                ImageReference.parse(origin);
            } catch (IllegalArgumentException e) {
                throw new InvalidDockerfileException(instruction.line(), e.getMessage());
            }
        }
        return new Stage(instruction.line(), name, fromStage ? origin.toLowerCase(Locale.ROOT) : origin, fromStage);
    }

    /** $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alternative}, from global ARGs. */
    static String substitute(String text, Map<String, String> values, int line) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4);
            String value = values.get(name);
            String replacement;
            if ("-".equals(m.group(2))) {
                replacement = value == null || value.isEmpty() ? m.group(3) : value;
            } else if ("+".equals(m.group(2))) {
                replacement = value == null || value.isEmpty() ? "" : m.group(3);
            } else {
                replacement = value == null ? "" : value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private record Instruction(int line, String keyword, String arguments) {
    }

    /** Logical instructions: comments dropped, backslash continuations joined, keywords upper-cased. */
    private static List<Instruction> instructions(String text) {
        List<Instruction> instructions = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            if (current == null && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (current != null && trimmed.startsWith("#")) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String joined = current.toString().trim();
            current = null;
            int space = joined.indexOf(' ');
            instructions.add(new Instruction(start, (space < 0 ? joined : joined.substring(0, space))
                    .toUpperCase(Locale.ROOT), space < 0 ? "" : joined.substring(space + 1)));
        }
        return instructions;
    }
}
