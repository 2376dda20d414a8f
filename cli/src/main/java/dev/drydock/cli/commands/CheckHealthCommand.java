package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;

/** {@code drydock check-health} (az acr check-health): the registry's own checks and every service's readiness. */
@Command(name = "check-health", description = "Checks the registry (token signing, storage, database, events) and "
        + "that every service is ready; exits 1 when something is not.")
public class CheckHealthCommand extends Base {

    @Override
    public Integer call() {
        ArrayNode rows = Api.JSON.createArrayNode();
        boolean healthy = true;
        for (Api.Service service : Api.Service.values()) {
            String status;
            String message = "";
            try {
                JsonNode ready = api().get(service, "/q/health/ready");
                status = ready.path("status").asText("UP");
            } catch (ApiException e) {
                status = "DOWN";
                message = e.getMessage();
            }
            healthy &= status.equals("UP");
            rows.addObject().put("name", switch (service) {
                case REGISTRY -> "registry-service";
                case TASKS -> "task-service";
                case INSTANCES -> "instance-service";
            }).put("status", status.equals("UP")
                    ? "OK" : "ERROR").put("message", message);
        }
        try {
            JsonNode checks = api().get(Api.Service.REGISTRY, registryPath("/check-health"));
            for (JsonNode check : checks.path("checks")) {
                healthy &= check.path("status").asText().equals("OK");
                rows.addObject().put("name", check.path("name").asText()).put("status", check.path("status").asText())
                        .put("message", check.path("message").asText(""));
            }
        } catch (ApiException e) {
            healthy = false;
            rows.addObject().put("name", "Registry").put("status", "ERROR").put("message", e.getMessage());
        }
        print(rows, Output.columns("CHECK", "name", "STATUS", "status", "MESSAGE", "message"));
        return healthy ? 0 : Api.EXIT_FAILED;
    }
}
