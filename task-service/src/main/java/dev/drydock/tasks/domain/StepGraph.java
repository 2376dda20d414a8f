package dev.drydock.tasks.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order steps run in, as ACR Tasks derives it from {@code when}: no {@code when} waits for the step before,
 * {@code ["-"]} starts at once, a list of ids waits for all of them. A cycle is refused.
 */
public final class StepGraph {

    private final Map<String, List<String>> predecessors;

    private StepGraph(Map<String, List<String>> predecessors) {
        this.predecessors = predecessors;
    }

    /** @throws TaskFileException for a cycle (line 1: the cycle spans steps) */
    public static StepGraph of(List<Step> steps) {
        Map<String, List<String>> predecessors = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<String> before;
            if (step.when() == null) {
                before = i == 0 ? List.of() : List.of(steps.get(i - 1).id());
            } else if (step.when().equals(List.of(Step.IMMEDIATELY))) {
                before = List.of();
            } else {
                before = List.copyOf(step.when());
            }
            predecessors.put(step.id(), before);
        }
        Map<String, Integer> state = new HashMap<>();
        for (String id : predecessors.keySet()) {
            visit(id, predecessors, state, new ArrayList<>());
        }
        return new StepGraph(predecessors);
    }

    public List<String> predecessors(String id) {
        return predecessors.get(id);
    }

    private static void visit(String id, Map<String, List<String>> predecessors, Map<String, Integer> state,
            List<String> path) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        path.add(id);
        if (s != null) {
            throw new TaskFileException(1, 1, "the steps' when lists form a cycle: " + String.join(" -> ", path));
        }
        state.put(id, 1);
        for (String before : predecessors.get(id)) {
            visit(before, predecessors, state, path);
        }
        state.put(id, 2);
        path.remove(path.size() - 1);
    }
}
