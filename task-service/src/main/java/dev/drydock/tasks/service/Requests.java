package dev.drydock.tasks.service;

import java.util.List;
import java.util.Map;

/** The request bodies of the tasks API, with ACR's field names. Unknown fields are refused (400). */
public final class Requests {

    private Requests() {
    }

    /** {@code --build-arg} ({@code isSecret} false) or {@code --secret-build-arg} (true). */
    public record Argument(String name, String value, Boolean isSecret) {
    }

    /** A quick build ({@code az acr build}): ACR's DockerBuildRequest. */
    public record BuildRequest(List<String> imageNames, String dockerFilePath, List<Argument> arguments, String target,
            String platform, Boolean isPushEnabled, Boolean noCache, Integer timeout, String sourceLocation,
            String agentPoolName) {
    }

    /** A quick run ({@code az acr run}): a task file's text or a command, with values. */
    public record RunRequest(String taskFile, String cmd, Map<String, String> values, Map<String, String> secretValues,
            Integer timeout, String platform, String sourceLocation, String agentPoolName) {
    }

    public record AgentConfiguration(Integer cpu) {
    }

    /**
     * A saved task's step: Docker (a build and push), FileTask (a task file) or EncodedTask (a command).
     *
     * @param contextPath the source: a Git URL, an uploaded source's id or /dev/null
     */
    public record TaskStep(String type, String contextPath, String dockerFilePath, List<String> imageNames,
            List<Argument> arguments, String target, Boolean isPushEnabled, Boolean noCache, String taskFileContent,
            String cmd, Map<String, String> values, Map<String, String> secretValues) {
    }

    /** Creating a task names it; updating it may change any field but the name. */
    public record TaskRequest(String name, String status, String platform, Integer timeout,
            AgentConfiguration agentConfiguration, TaskStep step, String agentPoolName, Trigger trigger) {
    }

    /** ACR's trigger properties; on update, what is given replaces what was. */
    public record Trigger(BaseImageTrigger baseImageTrigger, List<SourceTrigger> sourceTriggers,
            List<TimerTrigger> timerTriggers) {
    }

    /** @param baseImageTriggerType Runtime (the final stage's base, default) or All (every base) */
    public record BaseImageTrigger(String status, String baseImageTriggerType) {
    }

    /** Commits to the task's Git context (its repository and branch); Enabled by default. */
    public record SourceTrigger(String status) {
    }

    /** @param schedule 5-field cron in UTC; @param name t1, t2 … when not given */
    public record TimerTrigger(String name, String schedule, String status) {
    }

    /** {@code az acr task run}: per-run overrides of the task's step. */
    public record TaskRunRequest(Map<String, String> values, Map<String, String> secretValues,
            List<Argument> arguments, String sourceLocation) {
    }
}
