package dev.drydock.tasks.driver;

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
import java.util.List;
import java.util.Map;

/**
 * buildah as a child process, with its storage under the service's data directory. Builds run with the configured
 * isolation (chroot by default: no user namespaces, no runc inside the service's container) and storage driver.
 * Registry credentials reach buildah through an auth file only, secret build arguments through its environment
 * ({@code --build-arg NAME} without a value), so neither shows in a process listing.
 */
@ApplicationScoped
public class Buildah implements ImageBuilder {

    private static final Logger LOG = Logger.getLogger(Buildah.class);
    private static final Duration QUICK = Duration.ofSeconds(60);

    private final TasksConfig.Buildah config;
    private final boolean tlsVerify;
    private final Path root;
    private final Path runRoot;

    Buildah(TasksConfig config) {
        this.config = config.buildah();
        this.tlsVerify = config.registry().tlsVerify();
        Path data = Path.of(config.dataDir()).toAbsolutePath();
        this.root = data.resolve("buildah/storage");
        this.runRoot = data.resolve("buildah/run");
    }

    @Override
    public ChildProcess.Result build(BuildSpec spec, Path context, Path dockerfile, List<String> tags,
            Map<String, String> secretArguments, Map<String, String> annotations, StepIo io) {
        List<String> command = base("bud");
        command.addAll(List.of("--isolation", config.isolation(), "--tls-verify=" + tlsVerify, "-f",
                dockerfile.toString()));
        if (!spec.platform().equals(Platform.DEFAULT)) {
            command.addAll(List.of("--platform", spec.platform().toString()));
        }
        if (io.authFile() != null) {
            command.addAll(List.of("--authfile", io.authFile().toString()));
        }
        for (String tag : tags) {
            command.addAll(List.of("-t", tag));
        }
        Map<String, String> environment = new HashMap<>();
        for (BuildArgument argument : spec.arguments()) {
            if (argument.secret()) {
                environment.put(argument.name(), secretArguments.getOrDefault(argument.name(), ""));
                command.addAll(List.of("--build-arg", argument.name()));
            } else {
                command.addAll(List.of("--build-arg", argument.value() == null ? argument.name()
                        : argument.name() + "=" + argument.value()));
            }
        }
        annotations.forEach((key, value) -> command.addAll(List.of("--annotation", key + "=" + value)));
        if (spec.target() != null) {
            command.addAll(List.of("--target", spec.target()));
        }
        if (spec.noCache()) {
            command.add("--no-cache");
        }
        if (spec.pull()) {
            command.add("--pull-always");
        }
        command.add(context.toString());
        io.log().accept("$ " + String.join(" ", display(command)));
        return ChildProcess.run(command, environment, context, io.timeout(), io.control(), io.log());
    }

    @Override
    public Pushed push(String image, StepIo io) {
        Path digestFile;
        try {
            digestFile = Files.createTempFile("push", ".digest");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary file for buildah's digest", e);
        }
        try {
            List<String> command = base("push");
            command.addAll(List.of("--tls-verify=" + tlsVerify, "--digestfile", digestFile.toString()));
            if (io.authFile() != null) {
                command.addAll(List.of("--authfile", io.authFile().toString()));
            }
            command.addAll(List.of(image, "docker://" + image));
            io.log().accept("$ " + String.join(" ", display(command)));
            ChildProcess.Result result = ChildProcess.run(command, Map.of(), null, io.timeout(), io.control(),
                    io.log());
            String digest = result.succeeded() ? Files.readString(digestFile).strip() : null;
            return new Pushed(result, digest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read buildah's digest file", e);
        } finally {
            digestFile.toFile().delete();
        }
    }

    @Override
    public void forget(List<String> images) {
        if (images.isEmpty()) {
            return;
        }
        List<String> command = base("rmi");
        command.addAll(images);
        StringBuilder out = new StringBuilder();
        ChildProcess.Result result = ChildProcess.run(command, Map.of(), null, QUICK, new RunControl(QUICK),
                line -> out.append(line).append('\n'));
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
