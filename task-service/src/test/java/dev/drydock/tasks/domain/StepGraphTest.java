package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StepGraphTest {

    private static Step step(String id, List<String> when) {
        return new Step(id, Step.Kind.CMD, null, null, "x", when, null, 600, 0, 0, false, false, 0, null);
    }

    @Test
    void withoutWhenAStepWaitsForThePreviousOneWithDashItStartsAtOnce() {
        StepGraph graph = StepGraph.of(List.of(step("a", null), step("b", null), step("c", List.of("-")),
                step("d", List.of("a", "c"))));
        assertEquals(List.of(), graph.predecessors("a"));
        assertEquals(List.of("a"), graph.predecessors("b"));
        assertEquals(List.of(), graph.predecessors("c"));
        assertEquals(List.of("a", "c"), graph.predecessors("d"));
    }
}
