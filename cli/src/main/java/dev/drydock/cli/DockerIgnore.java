package dev.drydock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A context's .dockerignore as docker build reads it: one pattern per line, {@code #} comments, Go's path
 * matching ({@code *}, {@code ?}, {@code [...]}) plus {@code **} for any number of directories, {@code !} for an
 * exception; the last pattern that matches a path (or one of its parent directories) decides.
 */
public final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exception) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    /** The rules of {@code context}/.dockerignore, none when it has none. */
    public static DockerIgnore of(Path context) throws IOException {
        Path file = context.resolve(".dockerignore");
        return parse(Files.exists(file) ? Files.readAllLines(file) : List.of());
    }

    static DockerIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exception = line.startsWith("!");
            String pattern = (exception ? line.substring(1) : line).strip();
            pattern = Path.of("/" + pattern).normalize().toString().substring(1);
            if (!pattern.isEmpty()) {
                rules.add(new Rule(Pattern.compile(regex(pattern)), exception));
            }
        }
        return new DockerIgnore(rules);
    }

    /** Whether {@code relative} (slash-separated, from the context's root) stays out of the context. */
    public boolean excludes(String relative) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesOrParent(rule.pattern(), relative)) {
                excluded = !rule.exception();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParent(Pattern pattern, String path) {
        String current = path;
        while (true) {
            if (pattern.matcher(current).matches()) {
                return true;
            }
            int slash = current.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            current = current.substring(0, slash);
        }
    }

    private static String regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                // "**/" is any number of directories, "**" anything
                boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                regex.append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i);
                if (end < 0) {
                    regex.append("\\[");
                } else {
                    regex.append('[').append(glob, i + 1, end).append(']');
                    i = end;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
