package dev.drydock.tasks.service;

import dev.drydock.oci.ImageReference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.domain.BaseImage;
import dev.drydock.tasks.domain.BuildArgument;
import dev.drydock.tasks.domain.BuildSpec;
import dev.drydock.tasks.domain.Dockerfile;
import dev.drydock.tasks.domain.Platform;
import dev.drydock.tasks.domain.RunStatus;
import dev.drydock.tasks.domain.RunVariables;
import dev.drydock.tasks.domain.SecretMask;
import dev.drydock.tasks.domain.SourceLocation;
import dev.drydock.tasks.domain.Step;
import dev.drydock.tasks.domain.StepGraph;
import dev.drydock.tasks.domain.TaskFile;
import dev.drydock.tasks.domain.TaskFileException;
import dev.drydock.tasks.domain.Template;
import dev.drydock.tasks.domain.Words;
import dev.drydock.tasks.domain.purge.PurgeCommand;
import dev.drydock.tasks.driver.ChildProcess;
import dev.drydock.tasks.driver.CommandRunner;
import dev.drydock.tasks.driver.ImageBuilder;
import dev.drydock.tasks.driver.RunControl;
import dev.drydock.tasks.driver.StepRefusedException;
import dev.drydock.tasks.persistence.RunLogs;
import dev.drydock.tasks.persistence.Runs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Carries out one claimed run: its source (upload, Git or none), its steps as a graph (a quick build is a build
 * step and a push step, as in ACR), a log line per significant event and the child processes' output, then its
 * final state with the images it pushed and the base images it was built on, and the summary ACR prints.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    private static final Duration DB = Duration.ofSeconds(30);
    private static final int PUSH_ATTEMPTS = 3;
    private static final String BASE_NAME = "org.opencontainers.image.base.name";
    private static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

    private final Runs runs;
    private final RunLogs logs;
    private final Sources sources;
    private final Workspaces workspaces;
    private final RegistryAccess registry;
    private final ImageBuilder builder;
    private final CommandRunner commands;
    private final LogSignals signals;
    private final Purger purger;
    private final int defaultCpu;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-log-flush");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService steps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "run-step");
        t.setDaemon(true);
        return t;
    });

    RunExecutor(Runs runs, RunLogs logs, Sources sources, Workspaces workspaces, RegistryAccess registry,
            ImageBuilder builder, CommandRunner commands, LogSignals signals, Purger purger, TasksConfig config) {
        this.runs = runs;
        this.logs = logs;
        this.sources = sources;
        this.workspaces = workspaces;
        this.registry = registry;
        this.builder = builder;
        this.commands = commands;
        this.signals = signals;
        this.purger = purger;
        this.defaultCpu = config.sandbox().defaultCpu();
    }

    @PreDestroy
    void stop() {
        timer.shutdown();
        steps.shutdownNow();
    }

    /** Runs a claimed (Started) run to one of its final states. */
    public void execute(Runs.Run run, RunControl control) {
        Map<String, String> secrets = runs.secrets(run.id()).await().atMost(DB);
        try (RunLog log = new RunLog(run.id(), logs, signals, new SecretMask(new ArrayList<>(secrets.values())),
                timer)) {
            if (runs.transition(run.id(), RunStatus.Started, RunStatus.Running, null).await().atMost(DB) == null) {
                log.accept("Run ID: " + run.runId() + " ended before it started running");
                return;
            }
            LOG.infof("run %s/%s (%s) running", run.registry(), run.runId(), run.runType());
            Instant started = Instant.now();
            Execution execution = new Execution(run, control, log, secrets);
            Path workspace = null;
            String failure;
            try {
                workspace = workspaces.create(run.registry(), run.runId());
                failure = execution.run(workspace);
            } catch (StepFailure | StepRefusedException | TaskFileException | IllegalArgumentException e) {
                failure = e.getMessage();
            } catch (IOException e) {
                // the registry or the disk, not the run's content: Error, and no stack trace for an outage
                failure = "Drydock could not carry out the run: " + e.getMessage();
                LOG.warnf("run %s/%s: %s", run.registry(), run.runId(), e.getMessage());
                execution.internal = true;
            } catch (RuntimeException e) {
                failure = "Drydock could not carry out the run: " + e;
                LOG.errorf(e, "run %s/%s failed unexpectedly", run.registry(), run.runId());
                execution.internal = true;
            }
            try {
                finish(run, control, log, execution, failure, Duration.between(started, Instant.now()));
            } finally {
                signals.signal(run.id());
                // after the run is recorded: cleaning up is not the caller's wait
                builder.forget(execution.built());
                Workspaces.delete(workspace);
            }
        }
    }

    private void finish(Runs.Run run, RunControl control, RunLog log, Execution execution, String failure,
            Duration took) {
        RunControl.Stop stop = control.stopped();
        RunStatus status;
        String error = failure;
        if (stop == RunControl.Stop.CANCELED) {
            status = RunStatus.Canceled;
            error = "canceled";
        } else if (stop == RunControl.Stop.TIMED_OUT) {
            status = RunStatus.Timeout;
            error = "the run exceeded its timeout of " + run.timeoutSeconds() + " s";
        } else if (stop == RunControl.Stop.SHUTDOWN) {
            status = RunStatus.Error;
            error = "the service stopped while the run was in progress";
        } else if (failure == null) {
            status = RunStatus.Succeeded;
        } else if (execution.stepTimedOut) {
            status = RunStatus.Timeout;
        } else {
            status = execution.internal ? RunStatus.Error : RunStatus.Failed;
        }
        execution.report().forEach(log);
        long seconds = Math.max(0, took.toSeconds());
        log.accept(status == RunStatus.Succeeded ? "Run ID: " + run.runId() + " was successful after " + seconds + "s"
                : "Run ID: " + run.runId() + " " + status.name().toLowerCase() + " after " + seconds + "s. Error: "
                + error);
        log.flush();
        Runs.Run finished = runs.finish(run.id(), RunStatus.Running, status, error, execution.outputs(),
                execution.dependencies()).await().atMost(DB);
        LOG.infof("run %s/%s %s after %d s%s", run.registry(), run.runId(), finished == null ? "ended" : status,
                seconds, error == null ? "" : ": " + error);
    }

    /** A step that did not succeed; its message becomes the run's error. */
    static final class StepFailure extends RuntimeException {
        StepFailure(String message) {
            super(message);
        }
    }

    /** The state of one run while it executes. */
    private final class Execution {
        private final Runs.Run run;
        private final RunControl control;
        private final RunLog log;
        private final Map<String, String> secrets;
        private final List<JsonObject> outputs = new ArrayList<>();
        private final List<String> built = new ArrayList<>();
        /** image built -> its dependencies, for the run's record and the report */
        private final Map<String, List<JsonObject>> dependencies = new LinkedHashMap<>();
        private final AtomicReference<String> failure = new AtomicReference<>();
        private Path source;
        private Path authFile;
        private Path hostsFile;
        private Path registriesFile;
        private String token;
        private String commit;
        private volatile boolean internal;
        private volatile boolean stepTimedOut;

        Execution(Runs.Run run, RunControl control, RunLog log, Map<String, String> secrets) {
            this.run = run;
            this.control = control;
            this.log = log;
            this.secrets = secrets;
        }

        /** @return why the run failed, or null when every step succeeded */
        String run(Path workspace) throws IOException {
            JsonObject request = run.request();
            log.accept("Obtaining source code and scanning for dependencies...");
            source = obtainSource(SourceLocation.parse(request.getString("sourceLocation")), workspace);
            RunVariables variables = new RunVariables(run.runId(), registry.loginServer(run.registry()),
                    run.registry(), run.createdAt(), Platform.parse(run.platform()), commit, null, run.task(),
                    run.trigger());
            List<Step> plan = plan(request, variables);
            StepGraph graph = StepGraph.of(plan);
            log.accept("Logging in to registry: " + variables.registry());
            token = registry.serviceToken(run.registry());
            Map<String, RegistryClient.Credentials> logins = new LinkedHashMap<>();
            if (token != null) {
                logins.put(variables.registry(), RegistryAccess.tokenCredentials(token));
            }
            logins.putAll(taskCredentials(request.getJsonObject("credentials", new JsonObject())));
            authFile = logins.isEmpty() ? null : registry.authFile(logins, workspace);
            List<String> servers = new ArrayList<>(List.of(variables.registry()));
            servers.addAll(logins.keySet());
            hostsFile = registry.hostsFile(servers, workspace);
            registriesFile = registry.registriesFile(servers, workspace);
            // the builder runs as its own unprivileged account: it gets this run's files, nothing else of ours
            builder.handOver(workspace);
            if (!source.startsWith(workspace)) {
                builder.handOver(source);
            }
            Map<String, CompletableFuture<Boolean>> done = new HashMap<>();
            for (Step step : plan) {
                schedule(step, plan, graph, done);
            }
            CompletableFuture.allOf(done.values().toArray(CompletableFuture[]::new)).join();
            return failure.get();
        }

        private CompletableFuture<Boolean> schedule(Step step, List<Step> plan, StepGraph graph,
                Map<String, CompletableFuture<Boolean>> done) {
            CompletableFuture<Boolean> existing = done.get(step.id());
            if (existing != null) {
                return existing;
            }
            List<CompletableFuture<Boolean>> before = new ArrayList<>();
            for (String id : graph.predecessors(step.id())) {
                before.add(schedule(plan.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(), plan,
                        graph, done));
            }
            CompletableFuture<Boolean> future = CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                    .thenApplyAsync(ignored -> before.stream().allMatch(CompletableFuture::join)
                            && failure.get() == null && control.stopped() == null && execute(step), steps);
            done.put(step.id(), future);
            return future;
        }

        /** @return whether the steps after this one may run */
        private boolean execute(Step step) {
            log.accept("Executing step ID: " + step.id() + ". Timeout(sec): " + step.timeoutSeconds()
                    + ", Working directory: '', Network: ''");
            Instant started = Instant.now();
            String error = null;
            try {
                if (step.startDelaySeconds() > 0) {
                    Thread.sleep(step.startDelaySeconds() * 1000L);
                }
                for (int attempt = 0; attempt <= step.retries(); attempt++) {
                    if (attempt > 0) {
                        log.accept("Step ID: " + step.id() + " failed, retrying (" + attempt + " of "
                                + step.retries() + ")");
                        Thread.sleep(step.retryDelaySeconds() * 1000L);
                    }
                    error = attempt(step);
                    if (error == null || control.stopped() != null) {
                        break;
                    }
                }
            } catch (StepFailure | StepRefusedException | IllegalArgumentException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                // buildah missing, a disk full: Drydock's failure, not the step's
                internal = true;
                error = e.getMessage();
                LOG.warnf("run %s/%s, step %s: %s", run.registry(), run.runId(), step.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                control.stop(RunControl.Stop.SHUTDOWN);
                error = "interrupted";
            }
            String elapsed = String.format("%.3f", Duration.between(started, Instant.now()).toMillis() / 1000.0);
            if (error == null) {
                log.accept("Step ID: " + step.id() + " marked as successful (elapsed time in seconds: " + elapsed + ")");
                return true;
            }
            log.accept("Step ID: " + step.id() + " marked as failed (elapsed time in seconds: " + elapsed + "): "
                    + error);
            if (step.ignoreErrors()) {
                log.accept("Step ID: " + step.id() + " ignores errors; the run goes on");
                return true;
            }
            failure.compareAndSet(null, "step " + step.id() + " failed: " + error);
            return false;
        }

        /** One attempt of a step. @return its error, or null */
        private String attempt(Step step) {
            ImageBuilder.StepIo io = new ImageBuilder.StepIo(log, Duration.ofSeconds(step.timeoutSeconds()), control,
                    authFile, hostsFile, registriesFile, run.request().getInteger("cpu", defaultCpu));
            return switch (step.kind()) {
                case BUILD -> build(step.build(), io);
                case PUSH -> push(step.push(), io);
                case CMD -> {
                    if (PurgeCommand.isPurge(step.cmd())) {
                        yield purge(step.cmd());
                    }
                    List<String> words = Words.split(step.cmd());
                    yield describe(commands.run(step, qualify(words.get(0)), words.subList(1, words.size()), io),
                            step.timeoutSeconds());
                }
            };
        }

        /** acr purge runs inside the task service, on the run's registry with the run's token. */
        private String purge(String commandLine) {
            try {
                purger.purge(PurgeCommand.parse(commandLine, Runtime.getRuntime().availableProcessors()),
                        run.registry(), token, log, control);
                return null;
            } catch (IOException e) {
                return "purge stopped: " + e.getMessage();
            }
        }

        private String build(BuildSpec spec, ImageBuilder.StepIo io) {
            Path context = inside(spec.context(), "context");
            Path dockerfile = inside(spec.dockerfile(), "Dockerfile");
            if (!Files.isRegularFile(dockerfile)) {
                throw new StepFailure("no Dockerfile at " + spec.dockerfile() + " in the source");
            }
            Map<String, String> values = new HashMap<>();
            Map<String, String> secretValues = new HashMap<>();
            for (BuildArgument argument : spec.arguments()) {
                String value = argument.secret() ? secrets.get("arg:" + argument.name()) : argument.value();
                if (argument.secret()) {
                    secretValues.put(argument.name(), value == null ? "" : value);
                }
                if (value != null) {
                    values.put(argument.name(), value);
                }
            }
            Dockerfile parsed;
            try {
                parsed = Dockerfile.parse(Files.readString(dockerfile, StandardCharsets.UTF_8), values);
            } catch (IOException e) {
                throw new StepFailure("cannot read " + spec.dockerfile() + ": " + e.getMessage());
            }
            Dockerfile.Dependencies needs = parsed.dependencies(spec.target());
            List<String> tags = spec.tags().stream().map(this::qualify).toList();
            List<JsonObject> resolved = new ArrayList<>();
            Map<String, String> annotations = new HashMap<>();
            if (needs.runtime() != null) {
                JsonObject runtime = dependency("RunTime", needs.runtime());
                resolved.add(runtime);
                // what the registry tracks base-image updates by; buildah's own value is its local store's view,
                // which can name another repository's digest of the same image
                if (runtime.getString("digest") != null) {
                    annotations.put(BASE_NAME, pullName(needs.runtime()));
                    annotations.put(BASE_DIGEST, runtime.getString("digest"));
                }
            }
            needs.buildTime().forEach(b -> resolved.add(dependency("BuildTime", b)));
            // each base with the digest its tag resolved to, so the builder can tell a stale local copy
            Map<String, String> bases = new LinkedHashMap<>();
            List<BaseImage> named = new ArrayList<>();
            if (needs.runtime() != null) {
                named.add(needs.runtime());
            }
            named.addAll(needs.buildTime());
            for (int i = 0; i < named.size(); i++) {
                bases.putIfAbsent(pullName(named.get(i)), resolved.get(i).getString("digest"));
            }
            ChildProcess.Result result = builder.build(spec, context, dockerfile, tags, bases, secretValues,
                    annotations, io);
            String error = describe(result, (int) io.timeout().toSeconds());
            if (error != null) {
                return error;
            }
            synchronized (this) {
                built.addAll(tags);
                for (String tag : tags) {
                    dependencies.put(tag, resolved);
                }
                if (tags.isEmpty()) {
                    dependencies.put("", resolved);
                }
            }
            return null;
        }

        /**
         * The task's credentials for other registries (az acr task credential): a user name with its password (kept
         * with the run's secrets), or the task service's own identity for a Drydock registry (only the
         * administrator may give a task that, see TaskCredentials).
         */
        private Map<String, RegistryClient.Credentials> taskCredentials(JsonObject credentials) throws IOException {
            Map<String, RegistryClient.Credentials> logins = new LinkedHashMap<>();
            for (String server : credentials.fieldNames()) {
                JsonObject credential = credentials.getJsonObject(server);
                if (credential.getBoolean("identity", false)) {
                    String name = registry.servers().registryOf(server);
                    String other = name == null ? null : registry.serviceToken(name);
                    if (other != null) {
                        log.accept("Logging in to registry: " + server + " (task service identity)");
                        logins.put(server, RegistryAccess.tokenCredentials(other));
                    }
                } else {
                    log.accept("Logging in to registry: " + server + " as " + credential.getString("username"));
                    logins.put(server, new RegistryClient.Credentials(credential.getString("username"),
                            secrets.getOrDefault(TaskCredentials.SECRET_PREFIX + server, "")));
                }
            }
            return logins;
        }

        /** A base image with the digest its tag has now in its registry (the one the build is about to pull). */
        private JsonObject dependency(String type, BaseImage base) {
            String digest = base.digest();
            if (digest == null) {
                String host = base.registry().equals(BaseImage.DOCKER_HUB) ? "registry-1.docker.io" : base.registry();
                boolean ours = host.equals(registry.loginServer(run.registry()));
                try {
                    digest = new RegistryClient(host, ours && token != null ? RegistryAccess.tokenCredentials(token)
                            : null, Duration.ofSeconds(10), registry.servers()).manifest(RepositoryName.of(base.repository()),
                            base.tag()).digest().toString();
                } catch (IOException | RuntimeException e) {
                    log.accept("Could not resolve the digest of " + base.reference() + ": " + e.getMessage());
                }
            }
            return new JsonObject().put("type", type).put("registry", base.registry())
                    .put("repository", base.repository()).put("tag", base.tag()).put("digest", digest);
        }

        /** The name a client pulls the base by: Docker Hub images as docker.io/library/... */
        private String pullName(BaseImage base) {
            return (base.registry().equals(BaseImage.DOCKER_HUB) ? "docker.io" : base.registry()) + "/"
                    + base.repository() + (base.tag() != null ? ":" + base.tag() : "@" + base.digest());
        }

        private String push(List<String> images, ImageBuilder.StepIo io) {
            for (String name : images) {
                String image = qualify(name);
                ImageBuilder.Pushed pushed = null;
                for (int attempt = 1; attempt <= PUSH_ATTEMPTS && control.stopped() == null; attempt++) {
                    log.accept("Pushing image: " + image + ", attempt " + attempt);
                    pushed = builder.push(image, io);
                    if (pushed.result().succeeded() || pushed.result().stepTimedOut()) {
                        break;
                    }
                }
                String error = pushed == null ? "not pushed" : describe(pushed.result(), (int) io.timeout().toSeconds());
                if (error != null) {
                    return "push of " + image + ": " + error;
                }
                ImageReference ref = ImageReference.parse(image);
                synchronized (this) {
                    outputs.add(new JsonObject().put("registry", ref.host()).put("repository", ref.repository())
                            .put("tag", ref.tag()).put("digest", pushed.digest()));
                }
            }
            return null;
        }

        private String describe(ChildProcess.Result result, int timeoutSeconds) {
            if (result.succeeded()) {
                return null;
            }
            if (result.stop() != null) {
                return result.stop().name().toLowerCase().replace('_', ' ');
            }
            stepTimedOut |= result.stepTimedOut();
            return result.stepTimedOut() ? "the step exceeded its timeout of " + timeoutSeconds + " s"
                    : "exit status " + result.exitCode();
        }

        /** Names without a registry are the run's registry's: {@code app:v1} is pushed as login-server/app:v1. */
        private String qualify(String image) {
            ImageReference ref;
            try {
                ref = ImageReference.parse(image);
            } catch (IllegalArgumentException e) {
                throw new StepFailure("'" + image + "' is not an image name: " + e.getMessage());
            }
            return ref.host() == null ? registry.loginServer(run.registry()) + "/" + image : image;
        }

        /** A path of the source; through links too, since a Git source may hold a link to anywhere on the host. */
        private Path inside(String relative, String what) {
            Path path = source.resolve(relative).normalize();
            try {
                if (!path.startsWith(source) || Files.exists(path) && !path.toRealPath().startsWith(source)) {
                    throw new StepFailure("the " + what + " " + relative + " leaves the source");
                }
            } catch (IOException e) {
                throw new StepFailure("cannot read the " + what + " " + relative + ": " + e.getMessage());
            }
            return path;
        }

        private List<Step> plan(JsonObject request, RunVariables variables) {
            Map<String, String> values = new HashMap<>();
            JsonObject given = request.getJsonObject("values", new JsonObject());
            given.forEach(e -> values.put(e.getKey(), String.valueOf(e.getValue())));
            secrets.forEach((name, value) -> {
                if (name.startsWith("value:")) {
                    values.put(name.substring("value:".length()), value);
                }
            });
            if (request.getString("kind").equals("file")) {
                return TaskFile.parse(request.getString("taskFile"), variables, values).steps();
            }
            JsonObject build = request.getJsonObject("build");
            List<String> names = new ArrayList<>();
            for (Object name : build.getJsonArray("imageNames", new JsonArray())) {
                names.add(Template.render((String) name, variables, Map.of(), false));
            }
            List<BuildArgument> arguments = new ArrayList<>();
            for (Object a : build.getJsonArray("arguments", new JsonArray())) {
                JsonObject argument = (JsonObject) a;
                arguments.add(new BuildArgument(argument.getString("name"), argument.getString("value"),
                        argument.getBoolean("isSecret", false)));
            }
            BuildSpec spec = new BuildSpec(names, build.getString("dockerFilePath"), ".", arguments,
                    build.getString("target"), Platform.parse(run.platform()), build.getBoolean("noCache", false),
                    false);
            List<Step> plan = new ArrayList<>();
            plan.add(new Step("build", Step.Kind.BUILD, spec, null, null, null, null, run.timeoutSeconds(), 0, 0,
                    false, false, 0, null));
            if (build.getBoolean("isPushEnabled", true) && !names.isEmpty()) {
                plan.add(new Step("push", Step.Kind.PUSH, null, names, null, List.of("build"), null,
                        run.timeoutSeconds(), 0, 0, false, false, 0, null));
            }
            return plan;
        }

        private Path obtainSource(SourceLocation location, Path workspace) throws IOException {
            switch (location.kind()) {
                case NONE -> {
                    return Files.createDirectories(workspace.resolve("source"));
                }
                case UPLOAD -> {
                    Path uploaded = sources.find(run.registry(), location.upload());
                    if (uploaded == null) {
                        throw new StepFailure("no uploaded source " + location.upload() + " (sources are kept 24 h)");
                    }
                    log.accept("Using the uploaded source " + location.upload());
                    return uploaded.toRealPath();
                }
                default -> {
                    Path checkout = workspace.resolve("git");
                    log.accept("Cloning " + location);
                    List<String> clone = new ArrayList<>(List.of("git", "clone", "--quiet"));
                    if (location.gitRef() != null && !location.isCommit()) {
                        clone.addAll(List.of("--depth", "1", "--branch", location.gitRef()));
                    }
                    clone.addAll(List.of("--", location.gitUrl(), checkout.toString()));
                    git(clone, workspace);
                    if (location.isCommit()) {
                        git(List.of("git", "-C", checkout.toString(), "checkout", "--quiet", "--detach",
                                location.gitRef()), workspace);
                    }
                    StringBuilder head = new StringBuilder();
                    ChildProcess.run(List.of("git", "-C", checkout.toString(), "rev-parse", "HEAD"), Map.of(),
                            workspace, Duration.ofSeconds(30), control, head::append);
                    commit = head.toString().strip();
                    runs.recordCommit(run.id(), commit).await().atMost(DB);
                    log.accept("Source commit: " + commit);
                    Path folder = location.folder() == null ? checkout : checkout.resolve(location.folder()).normalize();
                    if (!folder.startsWith(checkout) || !Files.isDirectory(folder)) {
                        throw new StepFailure("the repository has no folder " + location.folder());
                    }
                    return folder.toRealPath();
                }
            }
        }

        private void git(List<String> command, Path workspace) {
            ChildProcess.Result result = ChildProcess.run(command, Map.of("GIT_TERMINAL_PROMPT", "0"), workspace,
                    Duration.ofSeconds(600), control, log);
            if (!result.succeeded()) {
                throw new StepFailure("git " + command.get(command.indexOf("git") + 1) + " failed ("
                        + describe(result, 600) + ")");
            }
        }

        synchronized List<String> built() {
            return List.copyOf(built);
        }

        synchronized JsonArray outputs() {
            return new JsonArray(new ArrayList<>(outputs));
        }

        /** Each built image's dependencies, deduplicated for the run's record. */
        synchronized JsonArray dependencies() {
            JsonArray all = new JsonArray();
            dependencies.values().stream().flatMap(List::stream).distinct().forEach(all::add);
            return all;
        }

        /** ACR's dependency report: every image with its runtime and build-time dependencies and the Git head. */
        synchronized List<String> report() {
            List<String> lines = new ArrayList<>();
            if (dependencies.isEmpty()) {
                return lines;
            }
            lines.add("The following dependencies were found:");
            for (Map.Entry<String, List<JsonObject>> entry : dependencies.entrySet()) {
                if (entry.getKey().isEmpty()) {
                    continue;
                }
                ImageReference image = ImageReference.parse(entry.getKey());
                String digest = outputs.stream().filter(o -> o.getString("repository").equals(image.repository())
                        && String.valueOf(o.getString("tag")).equals(String.valueOf(image.tag())))
                        .map(o -> o.getString("digest")).findFirst().orElse("");
                lines.add("- image:");
                lines.add("    registry: " + image.host());
                lines.add("    repository: " + image.repository());
                lines.add("    tag: " + (image.tag() == null ? "" : image.tag()));
                lines.add("    digest: " + digest);
                List<JsonObject> buildTime = new ArrayList<>();
                for (JsonObject d : entry.getValue()) {
                    if (d.getString("type").equals("RunTime")) {
                        lines.add("  runtime-dependency:");
                        describeImage(d, "    ", lines);
                    } else {
                        buildTime.add(d);
                    }
                }
                if (!buildTime.isEmpty()) {
                    lines.add("  buildtime-dependency:");
                    for (JsonObject d : buildTime) {
                        List<String> item = new ArrayList<>();
                        describeImage(d, "    ", item);
                        item.set(0, "  - " + item.get(0).strip());
                        lines.addAll(item);
                    }
                }
                if (commit != null) {
                    lines.add("  git:");
                    lines.add("    git-head-revision: " + commit);
                }
            }
            return lines;
        }

        private void describeImage(JsonObject d, String indent, List<String> lines) {
            lines.add(indent + "registry: " + d.getString("registry"));
            lines.add(indent + "repository: " + d.getString("repository"));
            lines.add(indent + "tag: " + (d.getString("tag") == null ? "" : d.getString("tag")));
            lines.add(indent + "digest: " + (d.getString("digest") == null ? "" : d.getString("digest")));
        }
    }
}
