package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock webhook create|list|show|update|delete|ping|list-events|get-config} (az acr webhook ...). */
@Command(name = "webhook", description = "Webhooks: HTTP calls on pushes, deletes and quarantine changes.",
        subcommands = {WebhookCommands.Create.class, WebhookCommands.ListAll.class, WebhookCommands.Show.class,
            WebhookCommands.Update.class, WebhookCommands.Delete.class, WebhookCommands.Ping.class,
            WebhookCommands.ListEvents.class, WebhookCommands.GetConfig.class})
public final class WebhookCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "STATUS", "status", "ACTIONS", "actions",
            "SCOPE", "scope", "SERVICE URI", "serviceUri", "SIGNED", "signed");

    static String path(Base command, String name) {
        return command.pathOf("/webhooks" + (name == null ? "" : "/" + Api.encode(name)));
    }

    /** What create and update send; only what was given. */
    static class Spec {
        @Option(names = "--uri", description = "the service URI called (http or https)")
        String uri;

        @Option(names = "--actions", split = ",", description = "push, delete, quarantine, chart_push, chart_delete")
        List<String> actions;

        @Option(names = "--scope", description = "repository:tag filter, * allowed (default: every repository)")
        String scope;

        @Option(names = "--headers", description = "KEY=VALUE sent with every call; repeatable")
        Map<String, String> headers;

        @Option(names = "--status", description = "enabled or disabled")
        String status;

        @Option(names = "--secret", description = "signs each call (X-Drydock-Signature); empty turns it off")
        String secret;

        Map<String, Object> body(String name) {
            Map<String, Object> body = new LinkedHashMap<>();
            BuildCommand.putIfSet(body, "name", name);
            BuildCommand.putIfSet(body, "serviceUri", uri);
            BuildCommand.putIfSet(body, "actions", actions);
            BuildCommand.putIfSet(body, "scope", scope);
            BuildCommand.putIfSet(body, "customHeaders", headers);
            BuildCommand.putIfSet(body, "status", status);
            BuildCommand.putIfSet(body, "secret", secret);
            return body;
        }
    }

    @Command(name = "create", description = "Creates a webhook.")
    static class Create extends Base {
        @Parameters
        String name;

        @picocli.CommandLine.Mixin
        Spec spec;

        @Override
        public Integer call() {
            if (spec.uri == null || spec.actions == null) {
                throw new IllegalArgumentException("a webhook needs --uri and --actions");
            }
            print(api().post(Api.Service.REGISTRY, path(this, null), spec.body(name)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the webhooks.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, null)).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a webhook.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, name)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "update", description = "Changes what is given of a webhook.")
    static class Update extends Base {
        @Parameters
        String name;

        @picocli.CommandLine.Mixin
        Spec spec;

        @Override
        public Integer call() {
            Map<String, Object> body = spec.body(null);
            if (body.isEmpty()) {
                throw new IllegalArgumentException("nothing to change");
            }
            print(api().patch(Api.Service.REGISTRY, path(this, name), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a webhook and its event log.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, path(this, name));
            System.err.println("webhook " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "ping", description = "Sends a ping event to the webhook now.")
    static class Ping extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().post(Api.Service.REGISTRY, path(this, name) + "/ping", Map.of()), Output.columns("EVENT ID",
                    "id"));
            return 0;
        }
    }

    @Command(name = "list-events", description = "The webhook's recent calls with their answers, newest first.")
    static class ListEvents extends Base {
        @Parameters
        String name;

        @Option(names = "--top", description = "at most this many (100)")
        int top = 100;

        @Override
        public Integer call() {
            JsonNode events = api().get(Api.Service.REGISTRY, path(this, name) + "/events?n=" + top).path("value");
            print(events, Output.columns("ID", "id", "ACTION", "action", "STATE", "state", "ATTEMPTS", "attempts",
                    "STATUS CODE", "eventResponseMessage.statusCode", "TIME", "createdTime", "ERROR", "error"));
            return 0;
        }
    }

    @Command(name = "get-config", description = "The service URI and custom headers.")
    static class GetConfig extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, name) + "/config"), Output.columns("SERVICE URI",
                    "serviceUri", "HEADERS", "customHeaders"));
            return 0;
        }
    }
}
