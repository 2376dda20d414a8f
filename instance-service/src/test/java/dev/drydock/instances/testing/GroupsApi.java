package dev.drydock.instances.testing;

import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.instances.runtime.GroupCgroups;
import dev.drydock.instances.runtime.GroupNetwork;
import dev.drydock.sandbox.Owner;
import dev.drydock.instances.runtime.Mounts;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The container groups API as tests drive it: as the administrator, with waits on the instance view. */
public final class GroupsApi {

    public static final String BASE = "/api/v1/containerGroups/";

    private GroupsApi() {
    }

    public static RequestSpecification admin() {
        return RestAssured.given().auth().preemptive().basic(RegistryTestResource.ADMIN,
                RegistryTestResource.ADMIN_PASSWORD);
    }

    public static Response put(String name, String yaml) {
        return admin().config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", ContentType.TEXT))).contentType("application/yaml").body(yaml)
                .put(BASE + name);
    }

    public static JsonPath show(String name) {
        return admin().get(BASE + name).then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the group's view satisfies {@code condition}; returns that view. */
    public static JsonPath await(String name, Duration within, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = show(name);
            return condition.test(last[0]);
        });
        return last[0];
    }

    public static JsonPath awaitState(String name, String state) {
        return await(name, Duration.ofSeconds(60), view -> state.equals(view.getString(
                "properties.instanceView.state")));
    }

    /** A container's view by name, e.g. {@code container(view, "web", "currentState.state")}. */
    public static Object container(JsonPath view, String container, String path) {
        String list = view.getList("properties.containers.name").contains(container) ? "containers" : "initContainers";
        return view.get("properties." + list + ".find { it.name == '" + container + "' }.properties.instanceView."
                + path);
    }

    public static String logs(String name, String container) {
        return admin().get(BASE + name + "/containers/" + container + "/logs").then().statusCode(200).extract()
                .jsonPath().getString("content");
    }

    public static void delete(String name) {
        admin().delete(BASE + name).then().statusCode(org.hamcrest.Matchers.oneOf(200, 204));
    }

    /** Whether anything of the group is left on the host: container, mount, network namespace, cgroup. */
    public static List<String> leftovers(String name, Path dataDir, String runc) {
        try {
            List<String> found = new java.util.ArrayList<>();
            String owner = Owner.of(dataDir.toAbsolutePath());
            if (new GroupNetwork(owner).exists(name)) {
                found.add("network namespace");
            }
            if (new GroupCgroups(owner).groups().contains(name)) {
                found.add("cgroup");
            }
            if (!Mounts.under(dataDir.resolve("groups").resolve(name)).isEmpty()) {
                found.add("mounts " + Mounts.under(dataDir.resolve("groups").resolve(name)));
            }
            Process list = new ProcessBuilder(runc, "--root", dataDir.resolve("runc").toString(), "list", "-q")
                    .redirectErrorStream(true).start();
            String ids = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ids.lines().anyMatch(id -> id.startsWith(name + "_"))) {
                found.add("containers " + ids.strip());
            }
            if (Files.exists(dataDir.resolve("groups").resolve(name).resolve("containers"))) {
                found.add("bundles");
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
