package dev.drydock.tasks.domain;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of ACR Tasks' Go templates that task files use: {@code {{.Run.X}}}, the legacy {@code {{.Build.ID}}},
 * {@code {{.Values.x}}} (from --set, --set-secret and values files), and with version v1.1.0 or later the
 * aliases {@code $ID $SharedVolume $Registry $RegistryName $Date $OS $Architecture $Commit $Branch}. Anything else
 * inside {@code {{ }}} is an error naming the line, not a silent empty string.
 */
public final class Template {

    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final Pattern FIELD = Pattern.compile("\\.(Run|Build|Values)\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> ALIASES = Set.of("ID", "SharedVolume", "Registry", "RegistryName", "Date", "OS",
            "Architecture", "Commit", "Branch");
    private static final Pattern ALIAS = Pattern.compile("\\$(" + String.join("|", ALIASES.stream()
            .sorted((a, b) -> b.length() - a.length()).toList()) + ")(?![A-Za-z0-9_])");

    private Template() {
    }

    /**
     * @param aliases whether $-aliases apply (task files of version v1.1.0 or later)
     * @throws TaskFileException with the line and column of an unknown or malformed action
     */
    public static String render(String text, RunVariables run, Map<String, String> values, boolean aliases) {
        Map<String, String> fields = run.fields();
        Matcher m = ACTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String action = m.group(1);
            Matcher field = FIELD.matcher(action);
            if (!field.matches()) {
                throw error(text, m.start(), "unsupported template action {{" + action + "}}");
            }
            String scope = field.group(1);
            String name = field.group(2);
            String value;
            if (scope.equals("Values")) {
                value = values.get(name);
                if (value == null) {
                    throw error(text, m.start(), "no value for .Values." + name + " (give it with --set " + name + "=...)");
                }
            } else if (scope.equals("Build") && !name.equals("ID")) {
                throw error(text, m.start(), ".Build has only ID");
            } else {
                value = fields.get(name);
                if (value == null) {
                    throw error(text, m.start(), "unknown run variable ." + scope + "." + name);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!aliases) {
            return out.toString();
        }
        Matcher alias = ALIAS.matcher(out);
        StringBuilder aliased = new StringBuilder();
        while (alias.find()) {
            alias.appendReplacement(aliased, Matcher.quoteReplacement(fields.get(alias.group(1))));
        }
        alias.appendTail(aliased);
        return aliased.toString();
    }

    private static TaskFileException error(String text, int offset, String message) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new TaskFileException(line, column, message);
    }
}
