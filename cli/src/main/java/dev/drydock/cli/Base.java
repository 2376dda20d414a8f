package dev.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every command has: the output format and the registry it works on (global options, given anywhere on the
 * line), the profile and the services.
 */
public abstract class Base implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    private Api api;

    private Drydock global() {
        return (Drydock) spec.root().userObject();
    }

    protected Api api() {
        if (api == null) {
            try {
                api = new Api(Profile.load(System.getenv()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + Profile.file(System.getenv()) + ": " + e.getMessage(),
                        e);
            }
        }
        return api;
    }

    protected String registry() {
        String registry = global().registry;
        return registry != null ? registry : api().profile().defaultRegistry();
    }

    /** The Host header (login server) that picks the registry on the registry service. */
    protected String loginServer() {
        String name = registry();
        if (name.equals("default")) {
            return api().profile().registryHost();
        }
        return api().get(Api.Service.REGISTRY, "/api/v1/registries/" + Api.encode(name)).path("loginServer")
                .asText();
    }

    /** A path of the registry under /api/v1/registries (the registry and tasks services both use them). */
    protected String registryPath(String path) {
        return "/api/v1/registries/" + Api.encode(registry()) + path;
    }

    /** For helpers that act on behalf of a command. */
    public Api apiOf() {
        return api();
    }

    public String pathOf(String path) {
        return registryPath(path);
    }

    /** Whether the output is rows (table, tsv) rather than the whole answer (json, yaml). */
    public boolean rows() {
        return global().output == Output.Format.table || global().output == Output.Format.tsv;
    }

    /** Prints as the user asked (for helpers acting on behalf of a command). */
    public void printAs(JsonNode data, List<Output.Column> columns) {
        print(data, columns);
    }

    protected void print(JsonNode data, List<Output.Column> columns) {
        Output.print(System.out, global().output, data, columns);
    }
}
