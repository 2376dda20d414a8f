package dev.drydock.tasks.driver;

import dev.drydock.tasks.domain.BuildSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builds images and pushes them: buildah in production and tests. */
public interface ImageBuilder {

    /** Where a step's child processes write, how long they may take and how many CPUs they get. */
    /**
     * @param hostsFile      an /etc/hosts for pulls and pushes that names Drydock's login servers (no DNS knows
     *                       them); null to resolve by the host's own
     * @param registriesFile a containers-registries.conf naming the registries reached with plain http; null for
     *                       the host's own
     */
    record StepIo(Consumer<String> log, Duration timeout, RunControl control, Path authFile, Path hostsFile,
            Path registriesFile, double cpus) {
    }

    /** Makes a run's files (its workspace, its source) the builder's own, so a sandboxed builder can use them. */
    void handOver(Path path) throws IOException;

    /**
     * Builds {@code spec} from {@code context} with {@code dockerfile} and tags it with every one of {@code tags}.
     *
     * @param bases           the base images the Dockerfile names, pulled before the build starts, each with the
     *                        digest the registry resolved its tag to (null when unknown): a stored image with another
     *                        digest is stale, the tag moved
     * @param secretArguments values of secret build arguments: build arguments and build secrets alike
     * @param annotations     manifest annotations the built image gets (the base image's name and digest)
     */
    ChildProcess.Result build(BuildSpec spec, Path context, Path dockerfile, List<String> tags,
            Map<String, String> bases,
            Map<String, String> secretArguments, Map<String, String> annotations, StepIo io);

    /** Pushes a local image to its name's registry. @return the result and the pushed manifest's digest */
    Pushed push(String image, StepIo io);

    record Pushed(ChildProcess.Result result, String digest) {
    }

    /** Drops local names (the images a run built), leaving layers other images share. */
    void forget(List<String> images);
}
