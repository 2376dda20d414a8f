package dev.drydock.tasks.api;

import dev.drydock.tasks.domain.Platform;
import dev.drydock.tasks.domain.Schedule;
import dev.drydock.tasks.domain.SourceLocation;
import dev.drydock.tasks.persistence.Runs;
import dev.drydock.tasks.persistence.Tasks;
import dev.drydock.tasks.service.TaskCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs and tasks as the API shows them, with ACR's field names (RunProperties, TaskProperties). */
final class Views {

    private Views() {
    }

    static Map<String, Object> run(Runs.Run run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("runId", run.runId());
        view.put("status", run.status().name());
        view.put("runType", run.runType());
        view.put("task", run.task());
        view.put("trigger", run.trigger());
        view.put("platform", platform(run.platform()));
        view.put("timeout", run.timeoutSeconds());
        view.put("createTime", text(run.createdAt()));
        view.put("startTime", text(run.startedAt()));
        view.put("finishTime", text(run.finishedAt()));
        view.put("lastUpdatedTime", text(run.updatedAt()));
        view.put("runErrorMessage", run.error());
        view.put("outputImages", run.outputImages().getList());
        view.put("baseImageDependencies", run.dependencies().getList());
        view.put("sourceCommit", run.sourceCommit());
        view.put("sourceLocation", run.request().getString("sourceLocation"));
        view.put("cancelRequested", run.cancelRequested());
        view.put("agentPoolName", run.agentPool());
        if (run.triggerInfo() != null) {
            view.putAll(run.triggerInfo().getMap());
        }
        return view;
    }

    static List<Map<String, Object>> runs(List<Runs.Run> runs) {
        return runs.stream().map(Views::run).toList();
    }

    static Map<String, Object> task(Tasks.Task task) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", task.name());
        view.put("status", task.status());
        view.put("provisioningState", "Succeeded");
        view.put("platform", platform(task.platform()));
        view.put("timeout", task.timeoutSeconds());
        view.put("agentConfiguration", Map.of("cpu", task.cpu()));
        view.put("agentPoolName", task.agentPool());
        JsonObject step = task.step().copy();
        // secret values are write-only: the names show, the values never
        JsonArray arguments = step.getJsonArray("arguments");
        if (arguments != null) {
            arguments.forEach(a -> {
                JsonObject argument = (JsonObject) a;
                if (argument.getBoolean("isSecret", false)) {
                    argument.remove("value");
                }
            });
        }
        view.put("step", step.getMap());
        view.put("trigger", trigger(task));
        view.put("credentials", TaskCredentials.view(task.credentials()));
        view.put("creationDate", text(task.createdAt()));
        view.put("lastUpdatedTime", text(task.updatedAt()));
        return view;
    }

    /** ACR's trigger properties, with each timer's next fire time. */
    private static Map<String, Object> trigger(Tasks.Task task) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("baseImageTrigger", Map.of("name", "defaultBaseimageTriggerName",
                "status", task.triggers().baseImage() ? "Enabled" : "Disabled",
                "baseImageTriggerType", task.triggers().baseImageType()));
        SourceLocation source = SourceLocation.parse(task.step().getString("contextPath"));
        if (source.kind() == SourceLocation.Kind.GIT) {
            trigger.put("sourceTriggers", List.of(Map.of("name", "defaultSourceTriggerName",
                    "status", task.triggers().source() ? "Enabled" : "Disabled",
                    "sourceTriggerEvents", List.of("commit"),
                    "sourceRepository", Map.of("repositoryUrl", source.gitUrl(),
                            "branch", source.gitRef() == null ? SourceLocation.DEFAULT_BRANCH : source.gitRef()))));
        }
        List<Map<String, Object>> timers = new ArrayList<>();
        Instant now = Instant.now();
        task.triggers().timers().forEach(t -> {
            JsonObject timer = (JsonObject) t;
            Map<String, Object> view = new LinkedHashMap<>(timer.getMap());
            if (timer.getString("status").equals("Enabled")) {
                Schedule.parse(timer.getString("schedule")).next(now)
                        .ifPresent(next -> view.put("nextFireTime", next.toString()));
            }
            timers.add(view);
        });
        trigger.put("timerTriggers", timers);
        return trigger;
    }

    private static Map<String, Object> platform(String text) {
        Platform platform = Platform.parse(text);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("os", "Linux");
        view.put("architecture", platform.architecture());
        if (platform.variant() != null) {
            view.put("variant", platform.variant());
        }
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
