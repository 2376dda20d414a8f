package dev.drydock.tasks.service;

import dev.drydock.tasks.domain.Schedule;
import dev.drydock.tasks.persistence.Runs;
import dev.drydock.tasks.persistence.Tasks;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saved tasks ({@code az acr task}): a step (Docker, FileTask or EncodedTask) with its source, platform, timeout
 * and agent size, checked when saved, run on demand with per-run overrides. Secret values are kept apart from the
 * step and never shown.
 */
@ApplicationScoped
public class TaskService {

    private static final Logger LOG = Logger.getLogger(TaskService.class);
    private static final Set<String> STEP_TYPES = Set.of("Docker", "FileTask", "EncodedTask");
    static final Requests.TaskRunRequest NO_OVERRIDES = new Requests.TaskRunRequest(null, null, null, null);

    private final Tasks tasks;
    private final RunService runs;

    TaskService(Tasks tasks, RunService runs) {
        this.tasks = tasks;
        this.runs = runs;
    }

    /** @throws ConflictException when the name is taken */
    public Uni<Tasks.Task> create(String registry, Requests.TaskRequest request) {
        if (request.name() == null || !request.name().matches("[A-Za-z0-9][A-Za-z0-9_-]{4,49}")) {
            throw new InvalidRequestException("a task name is 5 to 50 letters, digits, _ and -, starting with a"
                    + " letter or digit; got " + request.name());
        }
        Tasks.Task task = task(registry, request.name(), request, null);
        return tasks.create(task).map(created -> {
            if (created == null) {
                throw new ConflictException("task " + request.name() + " exists already");
            }
            LOG.infof("task %s/%s created", registry, created.name());
            return created;
        });
    }

    /** Changes the fields given; a new step replaces the old one whole. @return null when there is no such task */
    public Uni<Tasks.Task> update(String registry, String name, Requests.TaskRequest request) {
        if (request.name() != null && !request.name().equalsIgnoreCase(name)) {
            throw new InvalidRequestException("a task cannot be renamed");
        }
        return tasks.find(registry, name).chain(existing -> existing == null ? Uni.createFrom().nullItem()
                : tasks.update(task(registry, existing.name(), request, existing)));
    }

    public Uni<Tasks.Task> find(String registry, String name) {
        return tasks.find(registry, name);
    }

    public Uni<List<Tasks.Task>> list(String registry) {
        return tasks.list(registry);
    }

    public Uni<Boolean> delete(String registry, String name) {
        return tasks.delete(registry, name);
    }

    /** Queues a run of the task ({@code az acr task run}). @return null when there is no such task */
    public Uni<Runs.Run> run(String registry, String name, Requests.TaskRunRequest overrides) {
        Requests.TaskRunRequest given = overrides == null ? NO_OVERRIDES : overrides;
        return tasks.find(registry, name).chain(task -> {
            if (task == null) {
                return Uni.createFrom().nullItem();
            }
            if (task.status().equals("Disabled")) {
                throw new InvalidRequestException("task " + task.name() + " is disabled");
            }
            return runs.queue(runOf(task, given, "Manual", null));
        });
    }

    /** The run a task makes, with a run's overrides applied (values merge; arguments replace by name). */
    Runs.NewRun runOf(Tasks.Task task, Requests.TaskRunRequest overrides, String trigger, JsonObject triggerInfo) {
        JsonObject step = task.step();
        Map<String, String> secrets = new HashMap<>();
        task.secrets().forEach(e -> secrets.put(e.getKey(), String.valueOf(e.getValue())));
        String source = overrides.sourceLocation() != null ? overrides.sourceLocation() : step.getString("contextPath");
        JsonObject request;
        String runType;
        if (step.getString("type").equals("Docker")) {
            List<Requests.Argument> arguments = new ArrayList<>();
            for (Object a : step.getJsonArray("arguments", new JsonArray())) {
                JsonObject argument = (JsonObject) a;
                boolean secret = argument.getBoolean("isSecret", false);
                arguments.add(new Requests.Argument(argument.getString("name"),
                        secret ? secrets.get("arg:" + argument.getString("name")) : argument.getString("value"), secret));
            }
            if (overrides.arguments() != null) {
                for (Requests.Argument override : overrides.arguments()) {
                    arguments.removeIf(a -> a.name().equals(override.name()));
                    arguments.add(override);
                }
            }
            request = RunRequests.build(strings(step.getJsonArray("imageNames")), step.getString("dockerFilePath"),
                    arguments, step.getString("target"), step.getBoolean("isPushEnabled", true),
                    step.getBoolean("noCache", false), source, secrets);
            runType = "AutoBuild";
        } else {
            Map<String, String> values = new HashMap<>();
            step.getJsonObject("values", new JsonObject()).forEach(e -> values.put(e.getKey(), (String) e.getValue()));
            if (overrides.values() != null) {
                values.putAll(overrides.values());
            }
            Map<String, String> secretValues = new HashMap<>();
            secrets.forEach((key, value) -> {
                if (key.startsWith("value:")) {
                    secretValues.put(key.substring("value:".length()), value);
                }
            });
            if (overrides.secretValues() != null) {
                secretValues.putAll(overrides.secretValues());
            }
            request = RunRequests.file(step.getString("taskFileContent"), step.getString("cmd"), null, values,
                    secretValues, source, secrets);
            runType = "AutoRun";
        }
        request.put("cpu", task.cpu());
        TaskCredentials.addTo(task.credentials(), request, secrets);
        return new Runs.NewRun(task.registry(), task.name(), runType, trigger, task.platform(), request,
                task.timeoutSeconds(), secrets, task.agentPool(), triggerInfo);
    }

    /** The task to store: the request checked (by building a run request from it) and merged over what exists. */
    private static Tasks.Task task(String registry, String name, Requests.TaskRequest request, Tasks.Task existing) {
        String status = request.status() != null ? request.status() : existing != null ? existing.status() : "Enabled";
        if (!status.equals("Enabled") && !status.equals("Disabled")) {
            throw new InvalidRequestException("status is Enabled or Disabled, got " + status);
        }
        String platform = request.platform() != null ? RunRequests.platform(request.platform())
                : existing != null ? existing.platform() : RunRequests.platform(null);
        int timeout = request.timeout() != null || existing == null ? RunRequests.timeout(request.timeout())
                : existing.timeoutSeconds();
        int cpu = request.agentConfiguration() != null && request.agentConfiguration().cpu() != null
                ? request.agentConfiguration().cpu() : existing != null ? existing.cpu() : 2;
        if (cpu < 1 || cpu > 64) {
            throw new InvalidRequestException("agentConfiguration.cpu is between 1 and 64, got " + cpu);
        }
        JsonObject step;
        JsonObject secrets = new JsonObject();
        if (request.step() != null) {
            step = step(request.step(), secrets);
        } else if (existing != null) {
            step = existing.step();
            secrets = existing.secrets();
        } else {
            throw new InvalidRequestException("a task needs a step");
        }
        String pool = request.agentPoolName() != null ? RunRequests.agentPool(request.agentPoolName())
                : existing != null ? existing.agentPool() : "default";
        Tasks.Triggers triggers = triggers(request.trigger(), existing == null ? Tasks.Triggers.DEFAULT
                : existing.triggers());
        return new Tasks.Task(0, registry, name, status, platform, timeout, cpu, step, secrets, pool, null, null,
                triggers, existing != null ? existing.credentials() : new JsonObject());
    }

    /** The triggers after a request: each part given replaces the one there was. */
    private static Tasks.Triggers triggers(Requests.Trigger given, Tasks.Triggers current) {
        if (given == null) {
            return current;
        }
        boolean baseImage = current.baseImage();
        String baseImageType = current.baseImageType();
        if (given.baseImageTrigger() != null) {
            baseImage = enabled(given.baseImageTrigger().status(), "baseImageTrigger.status");
            baseImageType = given.baseImageTrigger().baseImageTriggerType() == null ? "Runtime"
                    : given.baseImageTrigger().baseImageTriggerType();
            if (!baseImageType.equals("Runtime") && !baseImageType.equals("All")) {
                throw new InvalidRequestException("baseImageTriggerType is Runtime or All, got " + baseImageType);
            }
        }
        boolean source = current.source();
        if (given.sourceTriggers() != null) {
            source = given.sourceTriggers().stream().anyMatch(t -> enabled(t.status(), "sourceTriggers[].status"));
        }
        JsonArray timers = current.timers();
        if (given.timerTriggers() != null) {
            timers = new JsonArray();
            Set<String> names = new HashSet<>();
            int index = 1;
            for (Requests.TimerTrigger timer : given.timerTriggers()) {
                String name = timer.name() == null || timer.name().isBlank() ? "t" + index : timer.name();
                index++;
                if (!name.matches("[A-Za-z0-9_-]{1,50}") || !names.add(name)) {
                    throw new InvalidRequestException("timer names are unique letters, digits, _ and -, got " + name);
                }
                try {
                    Schedule.parse(timer.schedule());
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException(e.getMessage());
                }
                timers.add(new JsonObject().put("name", name).put("schedule", timer.schedule().strip())
                        .put("status", enabled(timer.status(), "timerTriggers[].status") ? "Enabled" : "Disabled"));
            }
        }
        return new Tasks.Triggers(baseImage, baseImageType, source, timers);
    }

    private static boolean enabled(String status, String field) {
        if (status == null || status.equals("Enabled")) {
            return true;
        }
        if (status.equals("Disabled")) {
            return false;
        }
        throw new InvalidRequestException(field + " is Enabled or Disabled, got " + status);
    }

    private static JsonObject step(Requests.TaskStep step, JsonObject secretsOut) {
        if (step.type() == null || !STEP_TYPES.contains(step.type())) {
            throw new InvalidRequestException("step.type is one of " + STEP_TYPES + ", got " + step.type());
        }
        Map<String, String> secrets = new HashMap<>();
        JsonObject stored = new JsonObject().put("type", step.type())
                .put("contextPath", RunRequests.source(step.contextPath()));
        if (step.type().equals("Docker")) {
            JsonObject build = RunRequests.build(step.imageNames(), step.dockerFilePath(), step.arguments(),
                    step.target(), step.isPushEnabled(), step.noCache(), step.contextPath(), secrets)
                    .getJsonObject("build");
            stored.mergeIn(build);
        } else {
            if (step.type().equals("FileTask") == (step.taskFileContent() == null)) {
                throw new InvalidRequestException(step.type().equals("FileTask")
                        ? "a FileTask step needs taskFileContent" : "an EncodedTask step needs cmd, not taskFileContent");
            }
            RunRequests.file(step.taskFileContent(), step.cmd(), null, step.values(), step.secretValues(),
                    step.contextPath(), secrets);
            stored.put("taskFileContent", step.taskFileContent()).put("cmd", step.cmd())
                    .put("values", new JsonObject(new HashMap<>(step.values() == null ? Map.of() : step.values())))
                    .put("secretValues", new JsonArray(List.copyOf(step.secretValues() == null ? List.of()
                            : step.secretValues().keySet())));
        }
        secrets.forEach(secretsOut::put);
        return stored;
    }

    private static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add((String) v));
        }
        return values;
    }
}
