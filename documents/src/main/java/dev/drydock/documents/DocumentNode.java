package dev.drydock.documents;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node of a user-written document (YAML, or JSON, which YAML reads too) as written: scalars keep their text, so an
 * unquoted {@code apiVersion: 2019-12-01} stays a string; keys match case-insensitively as ARM matches them
 * ({@code memoryInGb}, {@code sharename}); every error names its line and column.
 */
public final class DocumentNode {

    private final Node node;
    private final String path;

    private DocumentNode(Node node, String path) {
        this.node = node;
        this.path = path;
    }

    public static DocumentNode parse(String text) {
        LoaderOptions options = new LoaderOptions();
        // aliases of collections are how a few hundred bytes become billions of nodes; documents need few
        options.setMaxAliasesForCollections(20);
        options.setAllowDuplicateKeys(false);
        try {
            Node root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
            if (root == null) {
                throw new DocumentException(1, 1, "the document is empty");
            }
            return new DocumentNode(root, "");
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new DocumentException(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    e.getProblem() == null ? "malformed YAML or JSON" : e.getProblem());
        } catch (YAMLException e) {
            // limits without a position: too many aliases, too deep, too long
            throw new DocumentException(1, 1, e.getMessage() == null ? "the document is not acceptable YAML"
                    : e.getMessage());
        }
    }

    public DocumentException error(String message) {
        Mark mark = node.getStartMark();
        return new DocumentException(mark.getLine() + 1, mark.getColumn() + 1, (path.isEmpty() ? "" : path + ": ")
                + message);
    }

    /** The mapping's entries by lower-cased key, refusing keys that are not {@code known} (lower case). */
    public Map<String, DocumentNode> fields(Set<String> known, Set<String> unsupported) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("is a mapping of properties");
        }
        Map<String, DocumentNode> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            DocumentNode key = new DocumentNode(tuple.getKeyNode(), path);
            String name = key.text();
            String lower = name.toLowerCase(Locale.ROOT);
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (unsupported.contains(lower)) {
                throw key.error("'" + name + "' is not supported by Drydock");
            }
            if (!known.contains(lower)) {
                throw key.error("unknown property '" + name + "'");
            }
            if (fields.put(lower, new DocumentNode(tuple.getValueNode(), childPath)) != null) {
                throw key.error("'" + name + "' appears twice");
            }
        }
        return fields;
    }

    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("is a single value");
        }
        return scalar.getValue();
    }

    public List<DocumentNode> list() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("is a list");
        }
        List<DocumentNode> items = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            items.add(new DocumentNode(sequence.getValue().get(i), path + "[" + i + "]"));
        }
        return items;
    }

    public List<String> texts() {
        return list().stream().map(DocumentNode::text).toList();
    }

    public double number() {
        try {
            return Double.parseDouble(text());
        } catch (NumberFormatException e) {
            throw error("is a number, got '" + text() + "'");
        }
    }

    public int integer(int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text().strip());
        } catch (NumberFormatException e) {
            throw error("is a whole number, got '" + text() + "'");
        }
        if (value < min || value > max) {
            throw error("is between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public boolean bool() {
        return switch (text().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error("is true or false, got '" + text() + "'");
        };
    }

    /** Keys as written (for maps of user names: tags, secret files). */
    public Map<String, DocumentNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("is a mapping");
        }
        Map<String, DocumentNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = new DocumentNode(tuple.getKeyNode(), path).text();
            entries.put(key, new DocumentNode(tuple.getValueNode(), path + "." + key));
        }
        return entries;
    }

    public static Optional<DocumentNode> optional(Map<String, DocumentNode> fields, String key) {
        return Optional.ofNullable(fields.get(key));
    }
}
