package dev.drydock.tasks.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * One image build: the tags it gets, the Dockerfile and context (relative to the run's source), build arguments,
 * target stage, platform and cache choice. A YAML {@code build:} step writes it as docker build's command line.
 */
public record BuildSpec(List<String> tags, String dockerfile, String context, List<BuildArgument> arguments,
        String target, Platform platform, boolean noCache, boolean pull) {

    public BuildSpec {
        tags = List.copyOf(tags);
        arguments = List.copyOf(arguments);
        dockerfile = dockerfile == null || dockerfile.isBlank() ? "Dockerfile" : dockerfile;
        context = context == null || context.isBlank() ? "." : context;
        platform = platform == null ? Platform.DEFAULT : platform;
    }

    /**
     * Parses {@code -t img:tag -f Dockerfile [--build-arg K=V] [--target s] [--platform p] [--no-cache] [--pull]
     * <context>} as a YAML build step writes it.
     *
     * @throws IllegalArgumentException naming the flag that is unknown or lacks its value
     */
    public static BuildSpec parse(String commandLine) {
        List<String> words = Words.split(commandLine);
        List<String> tags = new ArrayList<>();
        List<BuildArgument> arguments = new ArrayList<>();
        String dockerfile = null;
        String target = null;
        Platform platform = null;
        boolean noCache = false;
        boolean pull = false;
        String context = null;
        Flags flags = new Flags(words, 0);
        while (flags.hasNext()) {
            switch (flags.next()) {
                case "-t", "--tag" -> tags.add(flags.value());
                case "-f", "--file" -> dockerfile = flags.value();
                case "--build-arg" -> arguments.add(BuildArgument.parse(flags.value(), false));
                case "--target" -> target = flags.value();
                case "--platform" -> platform = Platform.parse(flags.value());
                case "--no-cache" -> noCache = true;
                case "--pull" -> pull = true;
                default -> {
                    String word = flags.word();
                    if (word.startsWith("-")) {
                        throw new IllegalArgumentException("build flag " + word + " is not supported");
                    }
                    if (context != null) {
                        throw new IllegalArgumentException("build takes one context, got " + context + " and " + word);
                    }
                    context = word;
                }
            }
        }
        if (context == null) {
            throw new IllegalArgumentException("build needs a context (. for the source's root)");
        }
        return new BuildSpec(tags, dockerfile, context, arguments, target, platform, noCache, pull);
    }

}
