package dev.drydock.tasks.domain.purge;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code --filter <repoRegex>:<tagRegex>} of acr purge: split at the one colon outside non-capturing groups and
 * character classes; the repository expression is anchored (it matches whole names), the tag expression is not
 * ({@code hello} matches {@code xhelloy}).
 */
public record PurgeFilter(Pattern repository, Pattern tag) {

    public boolean matchesRepository(String name) {
        return repository.matcher(name).matches();
    }

    public boolean matchesTag(String tag) {
        return this.tag.matcher(tag).find();
    }

    /** @throws IllegalArgumentException with acr purge's messages */
    public static PurgeFilter parse(String text) {
        int colon = -1;
        int depth = 0;
        boolean inClass = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ':' && depth == 0) {
                if (colon >= 0) {
                    throw new IllegalArgumentException("unable to correctly parse filter flag '" + text + "'");
                }
                colon = i;
            }
        }
        if (colon < 0) {
            throw new IllegalArgumentException("unable to correctly parse filter flag '" + text
                    + "': it is <repository regex>:<tag regex>");
        }
        String repository = text.substring(0, colon);
        String tag = text.substring(colon + 1);
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("missing repository name/expression in filter '" + text + "'");
        }
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("missing tag name/expression in filter '" + text + "'");
        }
        try {
            return new PurgeFilter(Pattern.compile("^(?:" + repository + ")$"), Pattern.compile(tag));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("filter '" + text + "' is not a valid expression: "
                    + e.getDescription());
        }
    }
}
