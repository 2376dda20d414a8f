package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskFileTest {

    private static final RunVariables RUN = new RunVariables("ca7", "contoso.drydock.localhost", "contoso",
            Instant.parse("2026-11-28T09:14:31Z"), Platform.DEFAULT, "abc123", "main", "nightly", "Manual");

    private static TaskFile parse(String text) {
        return TaskFile.parse(text, RUN, Map.of("tag", "v2"));
    }

    private static TaskFileException refused(String text) {
        return assertThrows(TaskFileException.class, () -> parse(text));
    }

    @Test
    void readsTheReferenceExampleWithAliasesAndDefaults() {
        TaskFile file = parse("""
                version: v1.1.0
                stepTimeout: 900
                env: ["GOFLAGS=-mod=vendor"]
                steps:
                  - id: build-app
                    build: -t $Registry/app:$ID -f Dockerfile .
                  - id: build-test
                    build: -t $Registry/app-test:{{.Values.tag}} -f test.Dockerfile --build-arg X=1 --no-cache .
                    when: ["-"]
                  - id: test
                    cmd: $Registry/app-test:$ID http://run-app
                    when: ["build-test", "build-app"]
                    retries: 2
                    retryDelay: 5
                  - push: ["$Registry/app:$ID", "$Registry/app:latest"]
                    when: ["test"]
                """);
        assertEquals("v1.1.0", file.version());
        assertEquals(4, file.steps().size());
        Step build = file.steps().get(0);
        assertEquals(Step.Kind.BUILD, build.kind());
        assertEquals(List.of("contoso.drydock.localhost/app:ca7"), build.build().tags());
        assertEquals(900, build.timeoutSeconds(), "stepTimeout is every step's default");
        assertNull(build.when());
        Step second = file.steps().get(1);
        assertEquals(List.of("contoso.drydock.localhost/app-test:v2"), second.build().tags());
        assertEquals("test.Dockerfile", second.build().dockerfile());
        assertTrue(second.build().noCache());
        assertEquals(List.of(new BuildArgument("X", "1", false)), second.build().arguments());
        Step test = file.steps().get(2);
        assertEquals("contoso.drydock.localhost/app-test:ca7 http://run-app", test.cmd());
        assertEquals(2, test.retries());
        assertEquals(List.of("GOFLAGS=-mod=vendor"), test.env(), "steps inherit the task's env");
        Step push = file.steps().get(3);
        assertEquals("acb_step_3", push.id(), "unnamed steps are numbered as ACR numbers them");
        assertEquals(List.of("contoso.drydock.localhost/app:ca7", "contoso.drydock.localhost/app:latest"), push.push());
    }

    @Test
    void aliasesNeedVersionOneOneAndTemplatesAlwaysWork() {
        TaskFile old = parse("steps:\n  - push: [\"$Registry/app:{{.Run.ID}}-{{.Run.Date}}\"]\n");
        assertEquals(List.of("$Registry/app:ca7-20261128-091431z"), old.steps().get(0).push());
    }

    @Test
    void everyProblemNamesItsLineAndColumn() {
        TaskFileException unknown = refused("steps:\n  - build: .\n    colour: red\n");
        assertEquals(3, unknown.line());
        assertEquals(5, unknown.column());
        TaskFileException twoKinds = refused("steps:\n  - build: .\n    push: [a]\n");
        assertEquals(2, twoKinds.line());
        TaskFileException badTimeout = refused("steps:\n  - cmd: x\n    timeout: soon\n");
        assertEquals(3, badTimeout.line());
        assertEquals(14, badTimeout.column());
        TaskFileException yaml = refused("steps:\n  - cmd: [unclosed\n");
        assertTrue(yaml.line() >= 2, yaml.getMessage());
        TaskFileException template = refused("steps:\n  - cmd: x\n  - cmd: {{.Run.Nope}}\n");
        assertEquals(3, template.line());
        assertEquals(10, template.column());
        assertTrue(refused("version: v9\nsteps:\n  - cmd: x\n").getMessage().contains("version"));
        assertTrue(refused("steps:\n  - build: --bogus .\n").getMessage().contains("--bogus"));
        assertTrue(refused("secrets:\n  - id: a\nsteps:\n  - cmd: x\n").getMessage().contains("not supported"));
        TaskFileException purge = refused("steps:\n  - cmd: acr purge --filter 'a:.*'\n");
        assertEquals(2, purge.line());
        assertTrue(purge.getMessage().contains("--ago is required"), purge.getMessage());
    }

    @Test
    void whenMustNameStepsAndFormNoCycle() {
        assertTrue(refused("steps:\n  - id: a\n    cmd: x\n    when: [a]\n").getMessage().contains("itself"));
        assertTrue(refused("steps:\n  - id: a\n    cmd: x\n    when: [\"-\", b]\n").getMessage().contains("combined"));
        assertTrue(refused("steps:\n  - id: a\n    cmd: x\n    when: [zz]\n").getMessage().contains("'zz'"));
        assertTrue(refused("steps:\n  - id: a\n    cmd: x\n    when: [b]\n  - id: b\n    cmd: y\n    when: [a]\n")
                .getMessage().contains("cycle"));
        assertTrue(refused("steps:\n  - id: a\n    cmd: x\n  - id: a\n    cmd: y\n").getMessage().contains("twice"));
    }
}
