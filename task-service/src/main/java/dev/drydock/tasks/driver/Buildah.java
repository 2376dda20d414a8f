package dev.drydock.tasks.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.domain.BuildArgument;
import dev.drydock.tasks.domain.BuildSpec;
import dev.drydock.tasks.domain.Platform;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * buildah as a child process, sandboxed ({@link BuildSandbox}): base images are pulled and images pushed as the build
 * account in the host's network, where Drydock's registry is; the build itself (every RUN) runs in the step's
 * sandbox with OCI isolation, with no way back to the registry, which it does not need once its bases are local.
 * Registry credentials reach buildah through an auth file only; build arguments through its command line (never its
 * environment, which holds nothing of this service's), secret ones also as build secrets for
 * {@code RUN --mount=type=secret,id=NAME}, from files only the build account reads.
 */
@ApplicationScoped
public class Buildah implements ImageBuilder {

    private static final Logger LOG = Logger.getLogger(Buildah.class);
    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TasksConfig.Buildah config;
    /** Bases of running builds, with how many builds use each. */
    private final Map<String, Integer> inUse = new HashMap<>();
    /** Images a clean-up is removing right now. */
    private final Set<String> forgetting = new HashSet<>();
    private final BuildSandbox sandbox;
    private final Path root;
    private final Path runRoot;

    Buildah(TasksConfig config, BuildSandbox sandbox) {
        this.config = config.buildah();
        this.sandbox = sandbox;
        boolean sandboxed = config.sandbox().enabled();
        Path data = Path.of(config.dataDir()).toAbsolutePath();
        this.root = sandboxed ? sandbox.storage() : data.resolve("buildah/storage");
        this.runRoot = sandboxed ? sandbox.runRoot() : data.resolve("buildah/run");
    }

    /**
     * The manifest digests of the stored image of this name, or null when the store has none: buildah's images.json,
     * replaced atomically by every writer. Anything unreadable says none, and the pull process decides.
     */
    private Set<String> storedDigests(String name) {
        Path images = root.resolve(config.storageDriver() + "-images").resolve("images.json");
        try {
            for (JsonNode image : JSON.readTree(images.toFile())) {
                for (JsonNode stored : image.path("names")) {
                    if (name.equals(stored.asText())) {
                        Set<String> digests = new HashSet<>();
                        digests.add(image.path("digest").asText());
                        image.path("digests").forEach(d -> digests.add(d.asText()));
                        image.path("big-data-digests").forEach(d -> digests.add(d.asText()));
                        return digests;
                    }
                }
            }
        } catch (IOException e) {
            LOG.debugf("cannot read %s: %s", images, e.getMessage());
        }
        return null;
    }

    @Override
    public void handOver(Path path) throws IOException {
        sandbox.handOver(path);
    }

    /**
     * Builds with the bases held: a run's clean-up ({@link #forget}) never removes an image a running build stands on,
     * and a build waits for the removal of a base in progress, which it would otherwise take for present.
     */
    @Override
    public ChildProcess.Result build(BuildSpec spec, Path context, Path dockerfile, List<String> tags,
            Map<String, String> bases, Map<String, String> secretArguments, Map<String, String> annotations,
            StepIo io) {
        hold(bases.keySet());
        try {
            return buildHolding(spec, context, dockerfile, tags, bases, secretArguments, annotations, io);
        } finally {
            release(bases.keySet());
        }
    }

    private synchronized void hold(Set<String> bases) {
        while (bases.stream().anyMatch(forgetting::contains)) {
            try {
                // bounded: a removal ends within QUICK
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while an image was being removed", e);
            }
        }
        bases.forEach(b -> inUse.merge(b, 1, Integer::sum));
    }

    private synchronized void release(Set<String> bases) {
        bases.forEach(b -> inUse.computeIfPresent(b, (k, n) -> n == 1 ? null : n - 1));
    }

    private ChildProcess.Result buildHolding(BuildSpec spec, Path context, Path dockerfile, List<String> tags,
            Map<String, String> bases, Map<String, String> secretArguments, Map<String, String> annotations,
            StepIo io) {
        for (Map.Entry<String, String> entry : bases.entrySet()) {
            String base = entry.getKey();
            boolean always = spec.pull();
            if (!always && spec.platform().equals(Platform.DEFAULT)) {
                Set<String> digests = storedDigests(base);
                if (digests != null && (entry.getValue() == null || digests.contains(entry.getValue()))) {
                    // what `pull --policy missing` would find, without its process (~0.15 s a base)
                    io.log().accept("# " + base + " is in the build store");
                    continue;
                }
                // stored under another digest: the tag moved since, and "missing" would build on the old image
                always = digests != null;
            }
            List<String> pull = base("pull");
            pull.addAll(List.of("--policy", always ? "always" : "missing"));
            if (!spec.platform().equals(Platform.DEFAULT)) {
                pull.addAll(List.of("--platform", spec.platform().toString()));
            }
            if (io.authFile() != null) {
                pull.addAll(List.of("--authfile", io.authFile().toString()));
            }
            pull.add(base);
            io.log().accept("$ " + String.join(" ", display(pull)));
            ChildProcess.Result pulled = ChildProcess.run(sandbox.asBuilder(pull, io.hostsFile()),
                    environment(io), null, io.timeout(), io.control(), io.log());
            if (!pulled.succeeded()) {
                return pulled;
            }
        }
        Path secrets = null;
        try {
            List<String> command = base("bud");
            List<String> shown;
            if (sandbox.enabled()) {
                // "host" is the network of the sandbox buildah runs in
                command.addAll(List.of("--isolation", "oci", "--network", "host"));
            } else {
                command.addAll(List.of("--isolation", config.isolation()));
            }
            command.addAll(List.of("-f", dockerfile.toString()));
            if (!spec.platform().equals(Platform.DEFAULT)) {
                command.addAll(List.of("--platform", spec.platform().toString()));
            }
            if (io.authFile() != null) {
                // for a base the Dockerfile's parse could not name (pulled from inside, where reachable); RUN never
                // sees the file: it is outside the container's root
                command.addAll(List.of("--authfile", io.authFile().toString()));
            }
            for (String tag : tags) {
                command.addAll(List.of("-t", tag));
            }
            annotations.forEach((key, value) -> command.addAll(List.of("--annotation", key + "=" + value)));
            if (spec.target() != null) {
                command.addAll(List.of("--target", spec.target()));
            }
            if (spec.noCache()) {
                command.add("--no-cache");
            }
            shown = new ArrayList<>(command);
            for (BuildArgument argument : spec.arguments()) {
                if (argument.secret()) {
                    if (secrets == null) {
                        secrets = sandbox.secretsDirectory();
                    }
                    Path file = secrets.resolve(argument.name());
                    Files.writeString(file, secretArguments.getOrDefault(argument.name(), ""));
                    command.addAll(List.of("--secret", "id=" + argument.name() + ",src=" + file));
                    shown.addAll(List.of("--secret", "id=" + argument.name()));
                    command.addAll(List.of("--build-arg", argument.name() + "="
                            + secretArguments.getOrDefault(argument.name(), "")));
                    shown.addAll(List.of("--build-arg", argument.name()));
                } else {
                    String value = argument.value() == null ? argument.name() : argument.name() + "=" + argument.value();
                    command.addAll(List.of("--build-arg", value));
                    shown.addAll(List.of("--build-arg", value));
                }
            }
            if (secrets != null) {
                sandbox.handOver(secrets);
            }
            command.add(context.toString());
            shown.add(context.toString());
            io.log().accept("$ " + String.join(" ", display(shown)));
            try (BuildSandbox.Session session = sandbox.open(io.cpus())) {
                return ChildProcess.run(session.wrap(command), environment(io), context, io.timeout(),
                        io.control(), io.log());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the build's sandbox: " + e.getMessage(), e);
        } finally {
            sandbox.discardSecrets(secrets);
        }
    }
    @Override
    public Pushed push(String image, StepIo io) {
        Path digestFile;
        try {
            digestFile = Files.createTempFile(sandbox.tmp(), "push", ".digest");
            sandbox.handOver(digestFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary file for buildah's digest", e);
        }
        try {
            List<String> command = base("push");
            command.addAll(List.of("--digestfile", digestFile.toString()));
            if (io.authFile() != null) {
                command.addAll(List.of("--authfile", io.authFile().toString()));
            }
            command.addAll(List.of(image, "docker://" + image));
            io.log().accept("$ " + String.join(" ", display(command)));
            ChildProcess.Result result = ChildProcess.run(sandbox.asBuilder(command, io.hostsFile()),
                    environment(io), null, io.timeout(), io.control(), io.log());
            String digest = result.succeeded() ? Files.readString(digestFile).strip() : null;
            return new Pushed(result, digest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read buildah's digest file", e);
        } finally {
            digestFile.toFile().delete();
        }
    }

    /** The sandbox's environment, with the run's containers-registries.conf when it has one. */
    private Map<String, String> environment(StepIo io) {
        Map<String, String> env = sandbox.environment();
        if (io.registriesFile() != null) {
            env.put("CONTAINERS_REGISTRIES_CONF", io.registriesFile().toString());
        }
        return env;
    }

    /** Removes a run's images from the store, except those a running build uses as its base (kept as a cache). */
    @Override
    public void forget(List<String> images) {
        List<String> removable;
        synchronized (this) {
            removable = images.stream().filter(i -> !inUse.containsKey(i)).toList();
            forgetting.addAll(removable);
        }
        try {
            remove(removable);
        } finally {
            synchronized (this) {
                forgetting.removeAll(removable);
                notifyAll();
            }
        }
    }

    private void remove(List<String> images) {
        if (images.isEmpty()) {
            return;
        }
        List<String> command = base("rmi");
        command.addAll(images);
        StringBuilder out = new StringBuilder();
        ChildProcess.Result result = ChildProcess.run(sandbox.asBuilder(command), sandbox.environment(), null, QUICK,
                new RunControl(QUICK), line -> out.append(line).append('\n'));
        if (!result.succeeded()) {
            LOG.warnf("buildah rmi of %s failed: %s", images, out.toString().strip());
        }
    }

    private List<String> base(String subcommand) {
        return new ArrayList<>(List.of(config.binary(), "--root", root.toString(), "--runroot", runRoot.toString(),
                "--storage-driver", config.storageDriver(), subcommand));
    }

    /** The command as the log shows it: storage flags left out, they say nothing about the build. */
    private static List<String> display(List<String> command) {
        List<String> shown = new ArrayList<>(command.subList(8, command.size()));
        shown.add(0, "buildah " + command.get(7));
        return shown;
    }
}
