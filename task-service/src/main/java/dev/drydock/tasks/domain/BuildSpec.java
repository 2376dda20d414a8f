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
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String flag = word.contains("=") && word.startsWith("--") ? word.substring(0, word.indexOf('=')) : word;
            String inline = flag.equals(word) ? null : word.substring(flag.length() + 1);
            switch (flag) {
                case "-t", "--tag" -> tags.add(value(words, i++, flag, inline));
                case "-f", "--file" -> dockerfile = value(words, i++, flag, inline);
                case "--build-arg" -> arguments.add(BuildArgument.parse(value(words, i++, flag, inline), false));
                case "--target" -> target = value(words, i++, flag, inline);
                case "--platform" -> platform = Platform.parse(value(words, i++, flag, inline));
                case "--no-cache" -> noCache = true;
                case "--pull" -> pull = true;
                default -> {
                    if (word.startsWith("-")) {
                        throw new IllegalArgumentException("build flag " + word + " is not supported");
                    }
                    if (context != null) {
                        throw new IllegalArgumentException("build takes one context, got " + context + " and " + word);
                    }
                    context = word;
                }
            }
            if (inline != null) {
                i--;
            }
        }
        if (context == null) {
            throw new IllegalArgumentException("build needs a context (. for the source's root)");
        }
        return new BuildSpec(tags, dockerfile, context, arguments, target, platform, noCache, pull);
    }

    private static String value(List<String> words, int i, String flag, String inline) {
        if (inline != null) {
            return inline;
        }
        if (i + 1 >= words.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return words.get(i + 1);
    }
}
