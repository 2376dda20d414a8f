package dev.drydock.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a command answers, as the user asked: a table (the default, a few columns that matter), the whole answer
 * as JSON or YAML, or TSV (the table's columns, no header: for scripts, as {@code az -o tsv}).
 */
public final class Output {

    public enum Format { table, json, yaml, tsv }

    /** A column: its header and the dotted path of its value in each item ({@code sku.name}). */
    public record Column(String header, String path) {
    }

    public static List<Column> columns(String... headersAndPaths) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < headersAndPaths.length; i += 2) {
            columns.add(new Column(headersAndPaths[i], headersAndPaths[i + 1]));
        }
        return columns;
    }

    private Output() {
    }

    /** Prints {@code data} (an object or an array of them). */
    public static void print(PrintStream out, Format format, JsonNode data, List<Column> columns) {
        switch (format) {
            case json -> {
                try {
                    out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(data));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            case yaml -> {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                out.print(new Yaml(options).dump(Api.JSON.convertValue(data, Object.class)));
            }
            case tsv -> rows(data).forEach(row -> out.println(String.join("\t", values(row, columns))));
            case table -> table(out, data, columns);
        }
    }

    private static void table(PrintStream out, JsonNode data, List<Column> columns) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : rows(data)) {
            rows.add(values(row, columns));
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).header().length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder header = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            header.append(pad(columns.get(i).header(), widths[i], i == columns.size() - 1));
            rule.append(pad("-".repeat(widths[i]), widths[i], i == columns.size() - 1));
        }
        out.println(header.toString().stripTrailing());
        out.println(rule.toString().stripTrailing());
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(pad(row.get(i), widths[i], i == row.size() - 1));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String value, int width, boolean last) {
        return last ? value : value + " ".repeat(width - value.length() + 2);
    }

    private static List<JsonNode> rows(JsonNode data) {
        List<JsonNode> rows = new ArrayList<>();
        if (data.isArray()) {
            data.forEach(rows::add);
        } else if (!data.isNull() && !data.isMissingNode()) {
            rows.add(data);
        }
        return rows;
    }

    private static List<String> values(JsonNode row, List<Column> columns) {
        List<String> values = new ArrayList<>();
        for (Column c : columns) {
            values.add(text(at(row, c.path())));
        }
        return values;
    }

    /** The value at a dotted path; a number step indexes an array. */
    public static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        for (String step : path.split("\\.")) {
            current = step.matches("\\d+") ? current.path(Integer.parseInt(step)) : current.path(step);
        }
        return current;
    }

    private static String text(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(text(v)));
            return String.join(",", parts);
        }
        if (value.isObject()) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                parts.add(e.getKey() + "=" + text(e.getValue()));
            }
            return String.join(",", parts);
        }
        return value.asText().replace('\t', ' ').replace('\n', ' ');
    }
}
