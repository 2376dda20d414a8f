package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/**
 * {@code drydock credential show|renew} (az acr credential ...): the registry's admin user. Drydock keeps only hashes
 * of its passwords, so a password is shown once, when it is renewed; show names the user and whether it is enabled.
 */
@Command(name = "credential", description = "The registry's admin user and its two passwords.",
        subcommands = {CredentialCommands.Show.class, CredentialCommands.Renew.class})
public final class CredentialCommands {

    static final List<Output.Column> PASSWORDS = Output.columns("USERNAME", "username", "PASSWORD NAME", "name",
            "PASSWORD", "value", "EXPIRY", "expiry");

    @Command(name = "show", description = "The admin user's name and state (passwords show once, at renew).")
    static class Show extends Base {
        @Override
        public Integer call() {
            JsonNode registryJson = api().get(Api.Service.REGISTRY, registryPath(""));
            JsonNode shown = Api.JSON.valueToTree(Map.of("username", registryJson.path("name").asText(),
                    "adminUserEnabled", registryJson.path("adminUserEnabled").asBoolean(),
                    "passwords", "kept as hashes; 'drydock credential renew --password-name password|password2' "
                            + "makes a new one and shows it once"));
            print(shown, Output.columns("USERNAME", "username", "ADMIN USER ENABLED", "adminUserEnabled",
                    "PASSWORDS", "passwords"));
            return 0;
        }
    }

    @Command(name = "renew", description = "Makes a new admin password and shows it once (the other one stays).")
    static class Renew extends Base {
        @Option(names = "--password-name", description = "password (default) or password2")
        String passwordName = "password";

        @Override
        public Integer call() {
            JsonNode renewed = api().post(Api.Service.REGISTRY, registryPath("/credentials/regenerate"),
                    Map.of("name", passwordName));
            if (rows()) {
                ArrayNode rows = Api.JSON.createArrayNode();
                renewed.path("passwords").forEach(p -> rows.add(((ObjectNode)
                        p.deepCopy()).put("username", renewed.path("username").asText())));
                print(rows, PASSWORDS);
            } else {
                print(renewed, PASSWORDS);
            }
            return 0;
        }
    }
}
