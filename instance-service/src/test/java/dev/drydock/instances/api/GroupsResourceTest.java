package dev.drydock.instances.api;

import dev.drydock.devstack.GitServer;
import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.events.EventTap;
import dev.drydock.events.EventTypes;
import dev.drydock.events.Topics;
import dev.drydock.devstack.registry.RegistryFixture;
import dev.drydock.instances.service.Node;
import dev.drydock.instances.testing.BusyboxImage;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.drydock.instances.testing.GroupsApi.BASE;
import static dev.drydock.instances.testing.GroupsApi.admin;
import static dev.drydock.instances.testing.GroupsApi.await;
import static dev.drydock.instances.testing.GroupsApi.awaitState;
import static dev.drydock.instances.testing.GroupsApi.container;
import static dev.drydock.instances.testing.GroupsApi.delete;
import static dev.drydock.instances.testing.GroupsApi.leftovers;
import static dev.drydock.instances.testing.GroupsApi.logs;
import static dev.drydock.instances.testing.GroupsApi.put;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Container groups through the API, on real runc, with images pulled from a real registry (auth on). */
@QuarkusTest
@WithTestResource(value = RegistryTestResource.class, scope = TestResourceScope.GLOBAL)
class GroupsResourceTest {

    private static String image;

    @ConfigProperty(name = "drydock.test.registry-url")
    String registryUrl;

    @Inject
    Node node;


    @TempDir
    Path temp;

    @BeforeEach
    void image() throws IOException {
        if (image == null) {
            String repository = "groups/busybox";
            BusyboxImage.push(new RegistryFixture(registryUrl), repository, "1", "hello from the group");
            image = URI.create(registryUrl).getAuthority() + "/" + repository + ":1";
        }
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One container's YAML under containers:, indented for the template. */
    private static String containerYaml(String name, String image, String command, String extra) {
        return """
                  - name: %s
                    properties:
                      image: %s
                      command: %s
                      resources:
                        requests:
                          cpu: 0.5
                          memoryInGB: 0.25
                %s""".formatted(name, image, command, extra == null ? "" : extra.indent(6));
    }

    private static String group(String name, String restartPolicy, String containers, String more) {
        return """
                apiVersion: 2023-05-01
                name: %s
                properties:
                  osType: Linux
                  restartPolicy: %s
                  containers:
                %s
                %s""".formatted(name, restartPolicy, containers.stripTrailing(), more == null ? "" : more.indent(2));
    }

    private List<String> leftoversOf(String name) {
        return leftovers(name, node.dataDir(), node.config().runc());
    }

    @Test
    void twoContainersShareLocalhostAPublishedPortAnswersOnTheHostAndDeleteLeavesNothing() throws Exception {
        String name = name("web");
        int port = freePort();
        String yaml = group(name, "Always",
                containerYaml("web", image, "['/bin/httpd', '-f', '-p', '" + port + "', '-h', '/www']",
                        "ports:\n  - port: " + port + "\nreadinessProbe:\n  httpGet: {path: /index.html, port: " + port
                                + "}\n  periodSeconds: 1")
                        + containerYaml("sidecar", image, "['/bin/sh', '-c', 'until wget -q -O - http://127.0.0.1:" + port
                        + "/; do sleep 0.2; done; sleep 3600']", null),
                "ipAddress:\n  type: Public\n  ports:\n    - port: " + port + "\n      protocol: TCP");
        JsonPath view;
        try (EventTap tap = new EventTap(Topics.INSTANCE_EVENTS)) {
            put(name, yaml).then().log().ifValidationFails().statusCode(201)
                    .body("properties.provisioningState", equalTo("Creating"));
            view = awaitState(name, "Running");
            // every change of state goes out as instance.group.changed, keyed by the group
            EventTap.Event running = tap.await(e -> e.type().equals(EventTypes.INSTANCE_GROUP_CHANGED.type())
                    && name.equals(e.key()) && e.data().contains("\"state\":\"Running\""));
            assertTrue(running.data().contains("\"web\""), running.data());
        }
        // the readiness probe asks httpd over the group's address (the group runs before its containers do)
        view = await(name, Duration.ofSeconds(30), v -> Boolean.TRUE.equals(container(v, "web", "ready")));
        assertEquals("Running", container(view, "web", "currentState.state"));
        String events = view.getString("properties.containers[0].properties.instanceView.events.name");
        assertTrue(events.contains("Pulling") && events.contains("Pulled") && events.contains("Created")
                && events.contains("Started"), events);
        String address = view.getString("properties.ipAddress.ip");
        assertTrue(address.startsWith("10.88."), address);

        await(name, Duration.ofSeconds(30), v -> logs(name, "sidecar").contains("hello from the group"));
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hello from the group\n", page.body());

        admin().delete(BASE + name).then().statusCode(200);
        admin().get(BASE + name).then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        assertEquals(List.of(), leftoversOf(name));
        assertFalse(java.nio.file.Files.exists(node.groupDir(name)));
    }

    @Test
    void aPublishedPortHeldByAnotherGroupOrProcessIsRefusedWithItsOwner() throws Exception {
        String first = name("port-a");
        int port = freePort();
        String ports = "ipAddress:\n  type: Public\n  ports:\n    - port: " + port + "\n      protocol: TCP";
        String sleeper = containerYaml("web", image, "['/bin/sh', '-c', 'sleep 3600']", "ports:\n  - port: " + port);
        put(first, group(first, "Always", sleeper, ports)).then().statusCode(201);
        awaitState(first, "Running");

        String second = name("port-b");
        put(second, group(second, "Always", sleeper, ports)).then().statusCode(409)
                .body("error.code", equalTo("Conflict"))
                .body("error.message", containsString("port " + port))
                .body("error.message", containsString(first));
        admin().get(BASE + second).then().statusCode(404);
        // the owner may replace itself on its own port
        put(first, group(first, "Always", sleeper, ports)).then().statusCode(200);
        delete(first);
        // once the owner is gone the port is free again
        put(second, group(second, "Always", sleeper, ports)).then().statusCode(201);
        delete(second);

        try (ServerSocket other = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String third = name("port-c");
            int taken = other.getLocalPort();
            put(third, group(third, "Always", sleeper.replace(Integer.toString(port), Integer.toString(taken)),
                    ports.replace(Integer.toString(port), Integer.toString(taken)))).then().statusCode(409)
                    .body("error.message", containsString("port " + taken + " is in use on the host"));
        }
    }

    @Test
    void anImageThatCannotBePulledFailsTheGroupAtOnce() {
        String name = name("typo");
        String missing = image.substring(0, image.lastIndexOf('/')) + "/no-such-image:1";
        put(name, group(name, "Always", containerYaml("app", missing, "['/bin/true']", null), null))
                .then().statusCode(201);
        JsonPath failed = await(name, Duration.ofSeconds(5),
                v -> "Failed".equals(v.getString("properties.instanceView.state")));
        assertEquals("Failed", failed.getString("properties.provisioningState"));
        assertEquals("ErrImagePull", container(failed, "app", "currentState.detailStatus"));
        String events = failed.getString("properties.instanceView.events");
        assertTrue(events.contains("InaccessibleImage") && events.contains("no-such-image"), events);
        assertEquals(List.of(), leftoversOf(name));
        delete(name);
    }

    @Test
    void neverEndsTheGroupWithTheExitCodeAndOnFailureRestartsWithEmptyDirKept() {
        String never = name("never");
        put(never, group(never, "Never", containerYaml("job", image, "['/bin/sh', '-c', 'echo done; exit 3']", null),
                null)).then().statusCode(201);
        JsonPath failed = awaitState(never, "Failed");
        assertEquals("Terminated", container(failed, "job", "currentState.state"));
        assertEquals(3, (int) container(failed, "job", "currentState.exitCode"));
        assertEquals("Error", container(failed, "job", "currentState.detailStatus"));
        assertEquals(0, (int) container(failed, "job", "restartCount"));
        assertEquals("done\n", logs(never, "job"));
        assertEquals(List.of(), leftoversOf(never));

        String onFailure = name("onfailure");
        put(onFailure, group(onFailure, "OnFailure", containerYaml("flaky", image,
                "['/bin/sh', '-c', 'if test -f /data/once; then echo second; exit 0; fi; touch /data/once; exit 1']",
                "volumeMounts:\n  - name: scratch\n    mountPath: /data"),
                "volumes:\n  - name: scratch\n    emptyDir: {}")).then().statusCode(201);
        JsonPath succeeded = awaitState(onFailure, "Succeeded");
        assertEquals(1, (int) container(succeeded, "flaky", "restartCount"));
        assertEquals(0, (int) container(succeeded, "flaky", "currentState.exitCode"));
        assertEquals(1, (int) container(succeeded, "flaky", "previousState.exitCode"));
        assertTrue(succeeded.getString("properties.containers[0].properties.instanceView.events.name")
                .contains("BackOff"));
        delete(never);
        delete(onFailure);
    }

    @Test
    void alwaysRestartsAContainerThatEndsWithBackOff() {
        String name = name("always");
        put(name, group(name, "Always", containerYaml("blink", image, "['/bin/sh', '-c', 'echo tick']", null), null))
                .then().statusCode(201);
        JsonPath view = await(name, Duration.ofSeconds(60),
                v -> ((Integer) container(v, "blink", "restartCount")) >= 2);
        assertEquals("Running", view.getString("properties.instanceView.state"));
        assertTrue(logs(name, "blink").split("tick", -1).length - 1 >= 2);
        delete(name);
        assertEquals(List.of(), leftoversOf(name));
    }

    @Test
    void aContainerAboveItsMemoryIsOomKilledWith137AndAnEvent() {
        String name = name("oom");
        put(name, group(name, "Never", """
                  - name: hog
                    properties:
                      image: %s
                      command: ['/bin/tail', '/dev/zero']
                      resources:
                        requests:
                          cpu: 0.5
                          memoryInGB: 0.03
                """.formatted(image), null)).then().statusCode(201);
        JsonPath view = awaitState(name, "Failed");
        assertEquals(137, (int) container(view, "hog", "currentState.exitCode"));
        assertEquals("OOMKilled", container(view, "hog", "currentState.detailStatus"));
        assertTrue(view.getString("properties.containers[0].properties.instanceView.events.name").contains("OOMKilled"));
        delete(name);
    }

    @Test
    void initContainersRunFirstInOrderAndSecretsAreReadOnlyFiles() {
        String name = name("init");
        String secret = Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8));
        String mounts = "volumeMounts:\n  - name: shared\n    mountPath: /shared\n  - name: creds\n    mountPath: /creds";
        String yaml = """
                apiVersion: '2023-05-01'
                name: %1$s
                properties:
                  restartPolicy: Never
                  initContainers:
                    - name: first
                      properties:
                        image: %2$s
                        command: ['/bin/sh', '-c', 'echo one >> /shared/order']
                        volumeMounts: [{name: shared, mountPath: /shared}]
                    - name: second
                      properties:
                        image: %2$s
                        command: ['/bin/sh', '-c', 'echo two >> /shared/order']
                        volumeMounts: [{name: shared, mountPath: /shared}]
                  containers:
                %3$s
                  volumes:
                    - name: shared
                      emptyDir: {}
                    - name: creds
                      secret:
                        password: %4$s
                """.formatted(name, image, containerYaml("app", image, "['/bin/sh', '-c', 'cat /shared/order; cat "
                + "/creds/password; echo; (echo x > /creds/password) 2>/dev/null || echo read-only']", mounts).stripTrailing(),
                secret);
        put(name, yaml).then().statusCode(201);
        JsonPath view = awaitState(name, "Succeeded");
        assertEquals(0, (int) container(view, "first", "currentState.exitCode"));
        String out = logs(name, "app");
        assertTrue(out.startsWith("one\ntwo\ns3cret\n"), out);
        assertTrue(out.contains("read-only"), out);
        admin().get(BASE + name + "/containers/app/logs?tail=1&timestamps=true").then().statusCode(200)
                .body("content", org.hamcrest.Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT[^ ]+Z read-only\n"));
        delete(name);
    }

    @Test
    void aShareOutlivesItsGroup() {
        String share = "share-" + UUID.randomUUID().toString().substring(0, 8);
        String volumes = "volumes:\n  - name: data\n    azureFile:\n      shareName: " + share;
        String mount = "volumeMounts:\n  - name: data\n    mountPath: /data";
        String writer = name("writer");
        put(writer, group(writer, "Never", containerYaml("w", image, "['/bin/sh', '-c', 'echo kept > /data/file']",
                mount), volumes)).then().statusCode(201);
        awaitState(writer, "Succeeded");
        delete(writer);
        String reader = name("reader");
        put(reader, group(reader, "Never", containerYaml("r", image, "['/bin/cat', '/data/file']", mount), volumes))
                .then().statusCode(201);
        awaitState(reader, "Succeeded");
        assertEquals("kept\n", logs(reader, "r"));
        delete(reader);
    }

    @Test
    void logsFollowStreamsLinesAsTheyComeAndExecRunsACommandWithArguments() throws Exception {
        String name = name("logs");
        put(name, group(name, "Never", containerYaml("talker", image,
                "['/bin/sh', '-c', 'echo first; sleep 1; test -f /tmp/go || sleep 30; echo last']", null), null))
                .then().statusCode(201);
        awaitState(name, "Running");
        await(name, Duration.ofSeconds(30), v -> logs(name, "talker").contains("first"));
        HttpResponse<InputStream> response = follow(name, "talker");
        assertEquals(200, response.statusCode());
        try (InputStream stream = response.body()) {
            // the first line arrives while the container still runs: streamed, not collected at the end
            byte[] first = stream.readNBytes("first\n".length());
            assertEquals("first\n", new String(first, StandardCharsets.UTF_8));
            admin().contentType("application/json")
                    .body("{\"command\": [\"/bin/sh\", \"-c\", \"touch /tmp/go; echo made; exit 5\"]}")
                    .post(BASE + name + "/containers/talker/exec").then().statusCode(200)
                    .body("exitCode", equalTo(5)).body("stdout", equalTo("made\n"));
            String rest = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("last\n", rest);
        }
        JsonPath view = awaitState(name, "Succeeded");
        assertEquals(0, (int) container(view, "talker", "currentState.exitCode"));
        admin().contentType("application/json").body("{\"command\": [\"/bin/true\"]}")
                .post(BASE + name + "/containers/talker/exec").then().statusCode(409);
        delete(name);
    }

    /** A WebSocket client of an interactive exec: what the terminal printed and how the socket closed. */
    private static final class TerminalClient implements java.net.http.WebSocket.Listener {
        final StringBuffer output = new StringBuffer();
        final java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();

        static java.net.http.WebSocket connect(String uri, TerminalClient client) {
            return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(uri), client).join();
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data,
                boolean last) {
            output.append(StandardCharsets.UTF_8.decode(data));
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private static JsonPath openTerminal(String group, String container) {
        return admin().contentType("application/json").body("{\"command\": [\"/bin/sh\"], \"interactive\": true,"
                + " \"terminalSize\": {\"rows\": 33, \"cols\": 101}}").post(BASE + group + "/containers/" + container
                + "/exec").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void interactiveExecIsATerminalOverAWebSocketThatItsOneTimePasswordOpensOnce() throws Exception {
        String name = name("tty");
        put(name, group(name, "Always", containerYaml("shell", image, "['/bin/sh', '-c', 'sleep 3600']", null), null))
                .then().statusCode(201);
        await(name, Duration.ofSeconds(30), v -> "Running".equals(container(v, "shell", "currentState.state")));
        RestAssured.given().contentType("application/json").body("{\"command\": [\"/bin/sh\"], \"interactive\": true}")
                .post(BASE + name + "/containers/shell/exec").then().statusCode(401);

        JsonPath first = openTerminal(name, "shell");
        TerminalClient wrong = new TerminalClient();
        TerminalClient.connect(first.getString("webSocketUri"), wrong).sendText("not-the-password", true).join();
        assertEquals("1008 wrong password", wrong.closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
        // one use: the URI is spent however its first use ended
        java.util.concurrent.CompletionException reused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class,
                () -> TerminalClient.connect(first.getString("webSocketUri"), new TerminalClient()));
        assertTrue(reused.getCause() instanceof java.net.http.WebSocketHandshakeException, reused.toString());

        JsonPath opened = openTerminal(name, "shell");
        TerminalClient client = new TerminalClient();
        java.net.http.WebSocket ws = TerminalClient.connect(opened.getString("webSocketUri"), client);
        ws.sendText(opened.getString("password"), true).join();
        // quiet for longer than the server's idle timeout (5 s in tests): pings keep the session
        ws.sendBinary(java.nio.ByteBuffer.wrap(("[ -t 0 ] && [ -t 1 ] && echo is-a-tty; stty size; sleep 7; "
                + "echo $((6*7)); exit 3\n").getBytes(StandardCharsets.UTF_8)), true).join();
        assertEquals("1000 exit 3", client.closed.get(60, java.util.concurrent.TimeUnit.SECONDS), client.output
                .toString());
        String output = client.output.toString();
        assertTrue(output.contains("is-a-tty") && output.contains("33 101") && output.contains("42"), output);
        delete(name);
    }

    /**
     * A followed log outlives the server's idle timeout (5 s in tests) while the container is silent longer; over
     * HTTP/2, as Java's client upgrades a plain connection to it.
     */
    @Test
    void aFollowedLogSurvivesSilenceLongerThanTheIdleTimeout() throws Exception {
        String name = name("quiet");
        put(name, group(name, "Never", containerYaml("quiet", image, "['/bin/sh', '-c', 'echo first; sleep 8; echo last']",
                null), null)).then().statusCode(201);
        await(name, Duration.ofSeconds(30), v -> logs(name, "quiet").contains("first"));
        HttpResponse<InputStream> response = follow(name, "quiet");
        try (InputStream stream = response.body()) {
            assertEquals("first\nlast\n", new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        }
        delete(name);
    }

    /** A container's log followed as the administrator, with Java's HTTP client (which upgrades to HTTP/2). */
    private static HttpResponse<InputStream> follow(String group, String container) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":"
                        + RestAssured.port + BASE + group + "/containers/" + container + "/logs?follow=true"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (RegistryTestResource.ADMIN + ":" + RegistryTestResource.ADMIN_PASSWORD)
                                .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aFailingLivenessProbeKillsAndRestartsTheContainer() {
        String name = name("probe");
        put(name, group(name, "Always", containerYaml("svc", image,
                "['/bin/sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600']",
                "livenessProbe:\n  exec:\n    command: ['/bin/cat', '/tmp/healthy']\n  periodSeconds: 1\n"
                        + "  failureThreshold: 2"), null)).then().statusCode(201);
        JsonPath view = await(name, Duration.ofSeconds(60), v -> ((Integer) container(v, "svc", "restartCount")) >= 1);
        String events = view.getString("properties.containers[0].properties.instanceView.events.name");
        assertTrue(events.contains("Unhealthy") && events.contains("Killing"), events);
        delete(name);
    }

    @Test
    void stopFreesTheHostAndStartDeploysAgain() {
        String name = name("stopstart");
        put(name, group(name, "Always", containerYaml("s", image, "['/bin/sleep', '3600']", null), null))
                .then().statusCode(201);
        awaitState(name, "Running");
        admin().post(BASE + name + "/stop").then().statusCode(200).body("properties.instanceView.state",
                equalTo("Stopped"));
        assertEquals(List.of(), leftoversOf(name));
        admin().post(BASE + name + "/start").then().statusCode(202);
        awaitState(name, "Running");
        admin().post(BASE + name + "/restart").then().statusCode(202);
        awaitState(name, "Running");
        delete(name);
        assertEquals(List.of(), leftoversOf(name));
    }

    @Test
    void showAndExportNeverGiveSecureValues() {
        String name = name("secure");
        put(name, group(name, "Never", containerYaml("c", image, "['/bin/sh', '-c', 'echo $TOKEN']",
                "environmentVariables:\n  - name: TOKEN\n    secureValue: hunter2\n  - name: MODE\n    value: plain"),
                null)).then().statusCode(201);
        awaitState(name, "Succeeded");
        assertEquals("hunter2\n", logs(name, "c"));
        String shown = admin().get(BASE + name).then().statusCode(200).extract().asString();
        assertFalse(shown.contains("hunter2"), shown);
        String exported = admin().get(BASE + name + "/export").then().statusCode(200).extract().asString();
        assertFalse(exported.contains("hunter2"), exported);
        assertTrue(exported.contains("apiVersion: '2023-05-01'") || exported.contains("apiVersion: 2023-05-01"),
                exported);
        assertTrue(exported.contains("value: plain"), exported);
        admin().get(BASE).then().statusCode(200).body("value.name", org.hamcrest.Matchers.hasItem(name));
        delete(name);
    }

    @Test
    void hostileInputsGetTheir400InJson() {
        // a few hundred bytes whose aliases would expand to billions of nodes
        StringBuilder bomb = new StringBuilder("name: bomb\nproperties: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char p = (char) (c - 1);
            bomb.append("x").append(c).append(": &").append(c).append(" [*").append(c == 'b' ? 'a' : p).append(", *")
                    .append(c == 'b' ? 'a' : p).append(", *").append(c == 'b' ? 'a' : p).append("]\n");
        }
        admin().contentType("text/plain").body(bomb.toString()).put(BASE + "bomb").then().statusCode(400)
                .contentType("application/json").body("error.code", equalTo("InvalidContainerGroup"));
        // exec: a NUL cannot be in any argument; a command that is no list is named
        admin().contentType("application/json").body("{\"command\": [\"/bin/echo\", \"a\\u0000b\"]}")
                .post(BASE + "anygroup/containers/c/exec").then().statusCode(400)
                .body("error.message", containsString("NUL"));
        admin().contentType("application/json").body("{\"command\": \"/bin/echo hi\"}")
                .post(BASE + "anygroup/containers/c/exec").then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestBody"));
        admin().contentType("application/json").body("{\"command\": [\"/bin/ec")
                .post(BASE + "anygroup/containers/c/exec").then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestBody"));
    }

    @Test
    void badDocumentsAreRefusedWithWhereAndNothingIsStored() {
        String name = name("bad");
        put(name, group(name, "Never", containerYaml("c", image, "['/bin/true']",
                "volumeMounts:\n  - name: missing\n    mountPath: /x"), null))
                .then().statusCode(400).body("error.code", equalTo("InvalidContainerGroup"))
                .body("error.message", containsString("missing")).body("error.line", equalTo(16));
        admin().get(BASE + name).then().statusCode(404);
        put("other", group(name, "Never", containerYaml("c", image, "['/bin/true']", null), null))
                .then().statusCode(400).body("error.message", containsString("URL"));
        RestAssured.given().contentType("application/json").body("{}").put(BASE + "x").then().statusCode(401);
        RestAssured.given().auth().preemptive().basic(RegistryTestResource.ADMIN, "wrong").get(BASE).then()
                .statusCode(401);
    }

    @Test
    void aHostileImageIsRefusedAtPullAndTheContainerWaits() throws IOException {
        String repository = "groups/hostile";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bytes))) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../escaped");
            entry.setSize(1);
            tar.putArchiveEntry(entry);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        new RegistryFixture(registryUrl).image(repository, "1", "{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{\"Cmd\":[\"/bin/sh\"]}}", List.of(bytes.toByteArray()), BusyboxImage.LAYER);
        String name = name("hostile");
        put(name, group(name, "Never", containerYaml("c", URI.create(registryUrl).getAuthority() + "/" + repository + ":1",
                "['/bin/true']", null), null)).then().statusCode(201);
        JsonPath view = await(name, Duration.ofSeconds(30), v -> String.valueOf(container(v, "c", "events.name"))
                .contains("Failed"));
        assertEquals("Waiting", container(view, "c", "currentState.state"));
        assertTrue(String.valueOf(container(view, "c", "events.message")).contains("escaped"),
                String.valueOf(container(view, "c", "events.message")));
        delete(name);
        assertEquals(List.of(), leftoversOf(name));
    }

    @Test
    void aGitRepoVolumeIsClonedAtItsRevisionBeforeTheContainersStart() {
        try (GitServer git = GitServer.start(temp)) {
            String first = git.repository("site", "main", Map.of("docs/page.txt", "first revision\n"));
            git.commit("site", Map.of("docs/page.txt", "second revision\n"));
            String name = name("git");
            put(name, group(name, "Never", containerYaml("c", image, "['/bin/cat', '/src/checkout/docs/page.txt']",
                    "volumeMounts:\n  - name: src\n    mountPath: /src"), "volumes:\n  - name: src\n    gitRepo:\n"
                    + "      repository: " + git.url("site") + "\n      directory: checkout\n      revision: " + first))
                    .then().statusCode(201);
            awaitState(name, "Succeeded");
            assertEquals("first revision\n", logs(name, "c"));
            delete(name);
        }
    }

    @Test
    void imageRegistryCredentialsAreWhatTheImageIsPulledWith() {
        String host = URI.create(registryUrl).getAuthority();
        String name = name("creds");
        put(name, group(name, "Never", containerYaml("c", image, "['/bin/true']", null),
                "imageRegistryCredentials:\n  - server: '" + host + "'\n    username: " + RegistryTestResource.ADMIN
                        + "\n    password: not-the-password")).then().statusCode(201);
        JsonPath view = await(name, Duration.ofSeconds(30), v -> String.valueOf(container(v, "c", "events.name"))
                .contains("Failed"));
        assertTrue(String.valueOf(container(view, "c", "events.message")).contains("refused the credentials"),
                String.valueOf(container(view, "c", "events.message")));
        assertFalse(admin().get(BASE + name).then().extract().asString().contains("not-the-password"));
        delete(name);
    }

    @Test
    void autoUpdateRedeploysWhenTheFollowedTagIsPushed() throws IOException {
        String repository = "groups/follow-" + UUID.randomUUID().toString().substring(0, 8);
        RegistryFixture registry = new RegistryFixture(registryUrl);
        BusyboxImage.push(registry, repository, "1", "version one");
        String followed = URI.create(registryUrl).getAuthority() + "/" + repository + ":1";
        String name = name("follow");
        put(name, group(name, "Always", containerYaml("web", followed, "['/bin/sh', '-c', 'cat /www/index.html; "
                + "sleep 3600']", null), "autoUpdate: true")).then().statusCode(201);
        awaitState(name, "Running");
        await(name, Duration.ofSeconds(30), v -> logs(name, "web").contains("version one"));
        String second = BusyboxImage.push(registry, repository, "1", "version two");
        JsonPath view = await(name, Duration.ofSeconds(60), v -> second.equals(container(v, "web", "imageDigest"))
                && "Running".equals(container(v, "web", "currentState.state")));
        assertTrue(view.getString("properties.instanceView.events.message").contains("auto-update"),
                view.getString("properties.instanceView.events.message"));
        await(name, Duration.ofSeconds(30), v -> logs(name, "web").contains("version two"));
        delete(name);
    }
}
