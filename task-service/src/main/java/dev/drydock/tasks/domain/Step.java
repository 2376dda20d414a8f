package dev.drydock.tasks.domain;

import java.util.List;
import java.util.Map;

/**
 * One step of a run: a build, a push or a cmd (an image run once with arguments).
 *
 * @param when     null: after the previous step; ["-"]: at once; ids: after all of them succeeded
 * @param env      KEY=VALUE for a cmd step (the task's env unless the step has its own)
 * @param retries  extra attempts after a failure (non-zero exit)
 * @param options  the cmd step's run options (entryPoint, workingDirectory, user, ports, keep); null otherwise
 */
public record Step(String id, Kind kind, BuildSpec build, List<String> push, String cmd, List<String> when,
        List<String> env, int timeoutSeconds, int retries, int retryDelaySeconds, boolean ignoreErrors, boolean detach,
        int startDelaySeconds, Map<String, Object> options) {

    public enum Kind { BUILD, PUSH, CMD }

    public static final String IMMEDIATELY = "-";

    public Step {
        push = push == null ? List.of() : List.copyOf(push);
        when = when == null ? null : List.copyOf(when);
        env = env == null ? List.of() : List.copyOf(env);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
