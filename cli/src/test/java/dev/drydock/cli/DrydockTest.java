package dev.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.devstack.FullStackTestResource;
import dev.drydock.devstack.RegistryTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command group of the drydock command, run as a process against the whole suite (registry, tasks and
 * instances services from their jars, PostgreSQL, Kafka, authentication on): what it prints, what it changes and
 * the exit code it ends with. The tests build on each other in order, as a user's session does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrydockTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FullStackTestResource stack;
    private static CliProcess cli;
    private static String registry;
    private static Path work;

    @BeforeAll
    static void stack() throws IOException {
        stack = new FullStackTestResource();
        Map<String, String> config = stack.start();
        String server = config.get("drydock.test.registry-url");
        registry = URI.create(server).getAuthority();
        work = Files.createTempDirectory("drydock-cli-test-");
        cli = new CliProcess(Files.createDirectories(work.resolve("home")), Map.of("DRYDOCK_SERVER", server,
                "DRYDOCK_TASKS_URL", config.get("drydock.test.tasks-url"),
                "DRYDOCK_INSTANCES_URL", config.get("drydock.test.instances-url")));
    }

    @AfterAll
    static void down() throws IOException {
        if (stack != null) {
            stack.stop();
        }
        if (work != null) {
            try (var tree = Files.walk(work)) {
                tree.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static CliProcess.Result ok(String... args) {
        CliProcess.Result result = cli.run(args);
        assertEquals(0, result.exit(), () -> "drydock " + String.join(" ", args) + ": " + result);
        return result;
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String... args) throws IOException {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-o";
        all[args.length + 1] = "json";
        return JSON.readTree(ok(all).out());
    }

    @Test
    @Order(1)
    void loginChecksTheCredentialsAndWritesThemForTheCliAndTheContainerClients() throws IOException {
        CliProcess.Result wrong = cli.runWithInput("not-it\n", "login", "-u", RegistryTestResource.ADMIN,
                "--password-stdin");
        assertEquals(Api.EXIT_AUTH, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("incorrect username or password") && !wrong.err().contains("Exception"),
                wrong.err());

        CliProcess.Result denied = cli.run("registry", "list");
        assertEquals(Api.EXIT_AUTH, denied.exit(), denied.toString());

        CliProcess.Result login = cli.runWithInput(RegistryTestResource.ADMIN_PASSWORD + "\n", "login", "-u",
                RegistryTestResource.ADMIN, "--password-stdin");
        assertEquals(0, login.exit(), login.toString());
        Path profile = cli.home().resolve("drydock.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(profile)));
        for (Path file : new Path[] {cli.home().resolve("containers-auth.json"),
            cli.home().resolve("docker/config.json")}) {
            assertTrue(JSON.readTree(file.toFile()).path("auths").has(registry), file.toString());
        }
    }

    @Test
    @Order(2)
    void registriesAreCreatedListedShownAndDeletedInEveryOutputFormat() throws IOException {
        String name = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        assertTrue(ok("registry", "create", name, "--sku", "Premium").out().contains(name));
        assertEquals("Premium", json("registry", "show", name).path("sku").path("name").asText());
        assertTrue(ok("registry", "list", "-o", "tsv").out().lines().anyMatch(l -> l.startsWith(name + "\tPremium")));
        assertTrue(ok("registry", "list", "-o", "yaml").out().contains("name: " + name));
        CliProcess.Result unconfirmed = cli.run("registry", "delete", name);
        assertEquals(2, unconfirmed.exit(), "deleting needs --yes");
        ok("registry", "delete", name, "--yes");
        CliProcess.Result gone = cli.run("registry", "show", name);
        assertEquals(Api.EXIT_NOT_FOUND, gone.exit(), gone.toString());
        assertTrue(gone.err().startsWith("ERROR: NotFound"), gone.err());
    }

    @Test
    @Order(3)
    void buildUploadsTheContextFollowsTheLogAndExitsWithTheRunsResult() throws IOException {
        Path app = Files.createDirectories(work.resolve("app"));
        Files.copy(Path.of("/bin/busybox"), app.resolve("busybox"));
        Files.writeString(app.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "--install", "-s", "/bin"]
                CMD ["/bin/sh", "-c", "echo hello from my image; exec httpd -f -p 8099 -h /www"]
                """);
        CliProcess.Result built = ok("build", "-t", "demo/app:v1", "-t", "demo/app:{{.Run.ID}}", app.toString());
        assertTrue(built.out().contains("was successful"), built.toString());
        assertTrue(built.err().contains("Uploading context") && built.err().contains("100%"), built.err());

        Files.writeString(app.resolve("Dockerfile.bad"), "FROM scratch\nCOPY busybox /bin/busybox\n"
                + "RUN [\"/bin/busybox\", \"false\"]\n");
        CliProcess.Result failed = cli.run("build", "-t", "demo/bad:1", "-f", "Dockerfile.bad", app.toString());
        assertEquals(Drydock.EXIT_UNSUCCESSFUL, failed.exit(), failed.toString());
        assertTrue(failed.err().contains("Failed"), failed.err());
    }

    @Test
    @Order(4)
    void repositoriesManifestsAndLocks() throws IOException {
        assertTrue(ok("repository", "list").out().contains("demo/app"));
        // what login wrote is what the container clients use: skopeo reads the image without other credentials
        Process skopeo = new ProcessBuilder("skopeo", "inspect", "--tls-verify=false", "--authfile",
                cli.home().resolve("containers-auth.json").toString(), "docker://" + registry + "/demo/app:v1")
                .redirectErrorStream(true).start();
        String inspected = new String(skopeo.getInputStream().readAllBytes());
        assertEquals(0, waitFor(skopeo), inspected);
        assertTrue(inspected.contains("\"Digest\""), inspected);
        JsonNode tags = json("repository", "show-tags", "demo/app");
        assertTrue(tags.toString().contains("\"v1\""), tags.toString());
        JsonNode manifests = json("manifest", "list-metadata", "demo/app");
        assertEquals("amd64", manifests.path(0).path("architecture").asText());
        ok("repository", "update", "demo/app", "--tag", "v1", "--write-enabled", "false");
        CliProcess.Result locked = cli.run("repository", "delete", "demo/app", "--tag", "v1", "--yes");
        assertEquals(Api.EXIT_FAILED, locked.exit(), locked.toString());
        ok("repository", "update", "demo/app", "--tag", "v1", "--write-enabled", "true");
        assertEquals(2, cli.run("repository", "update", "demo/app").exit(), "an update needs a lock to set");
    }

    @Test
    @Order(5)
    void scopeMapsTokensAndImport() throws IOException {
        ok("scope-map", "create", "cipush", "--repository", "demo/app", "content/read,content/write");
        JsonNode token = json("token", "create", "citoken", "--scope-map", "cipush");
        assertEquals(2, token.path("credentials").path("passwords").size());
        assertTrue(ok("token", "list").out().contains("citoken"));
        assertFalse(ok("token", "show", "citoken", "-o", "json").out()
                .contains(token.path("credentials").path("passwords").path(0).path("value").asText()));
        JsonNode imported = json("import", "--source", registry + "/demo/app:v1", "-t", "copy/app:v1", "-u",
                RegistryTestResource.ADMIN, "-p", RegistryTestResource.ADMIN_PASSWORD);
        assertTrue(imported.path("digest").asText().startsWith("sha256:"));
        ok("token", "delete", "citoken");
        ok("scope-map", "delete", "cipush");
    }

    @Test
    @Order(6)
    void runsTasksAndPurge() throws IOException {
        CliProcess.Result cmd = cli.run("run", "--cmd", "demo/app:v1 sh -c 'echo from a cmd step; exit 4'");
        assertEquals(Drydock.EXIT_UNSUCCESSFUL, cmd.exit(), cmd.toString());
        assertTrue(cmd.out().contains("from a cmd step"), cmd.out());

        Path taskFile = Files.writeString(work.resolve("task.yaml"), """
                version: v1.1.0
                steps:
                  - cmd: demo/app:v1 echo {{.Values.greeting}}
                """);
        CliProcess.Result file = ok("run", "-f", taskFile.toString(), "--set", "greeting=hello-values");
        assertTrue(file.out().contains("hello-values"), file.out());

        ok("task", "create", "nightly", "-t", "demo/app:{{.Run.ID}}", "-c", work.resolve("app").toString());
        assertTrue(ok("task", "list").out().contains("nightly"));
        CliProcess.Result run = ok("task", "run", "nightly");
        String runId = run.err().lines().filter(l -> l.startsWith("Queued a run with ID: ")).findFirst().orElseThrow()
                .substring("Queued a run with ID: ".length());
        assertEquals("Succeeded", json("task", "show-run", "--run-id", runId).path("status").asText());
        assertTrue(ok("task", "list-runs", "--name", "nightly", "-o", "tsv").out().startsWith(runId + "\t"));
        assertTrue(ok("task", "logs", "--run-id", runId).out().contains("was successful"));

        CliProcess.Result purge = ok("purge", "--filter", "demo/app:ca.*", "--ago", "0d", "--dry-run");
        assertTrue(purge.out().contains("Would delete " + registry + "/demo/app:" + runId), purge.out());
        assertTrue(json("repository", "show-tags", "demo/app").toString().contains("\"" + runId + "\""),
                "a dry run deletes nothing");
        ok("task", "delete", "nightly");
    }

    @Test
    @Order(7)
    void containerGroupsFromAFileWithLogsExecAndExport() throws IOException {
        Path group = Files.writeString(work.resolve("web.yaml"), """
                name: web
                properties:
                  containers:
                    - name: web
                      properties:
                        image: %s/demo/app:v1
                        command: ['/bin/sh', '-c', 'echo hello from the group; exec sleep 3600']
                        environmentVariables: [{name: TOKEN, secureValue: hunter2}]
                        resources: {requests: {cpu: 0.5, memoryInGB: 0.25}}
                """.formatted(registry));
        CliProcess.Result created = ok("container", "create", "-f", group.toString());
        assertTrue(created.out().contains("Running"), created.toString());
        assertTrue(ok("container", "list").out().contains("web"));
        assertEquals("Running", json("container", "show", "web").path("properties").path("instanceView")
                .path("state").asText());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> cli.run("container", "logs", "web").out().contains("hello from the group"));
        CliProcess.Result exec = cli.run("container", "exec", "web", "--", "sh", "-c", "echo $TOKEN; exit 7");
        assertEquals(7, exec.exit(), exec.toString());
        assertEquals("hunter2\n", exec.out());
        String exported = ok("container", "export", "web").out();
        assertTrue(exported.contains("name: web") && !exported.contains("hunter2"), exported);
        assertTrue(ok("container", "stop", "web").out().contains("Stopped"));
        ok("container", "start", "web");
        ok("container", "delete", "web", "--yes");
        assertEquals(Api.EXIT_NOT_FOUND, cli.run("container", "show", "web").exit());
    }

    @Test
    @Order(8)
    void checkHealthCompletionAndAnUnreachableService() {
        String completion = ok("completion").out();
        assertTrue(completion.contains("complete -F") && completion.contains("container"), "a bash completion script");
        CliProcess.Result health = ok("check-health");
        assertTrue(health.out().contains("task-service") && health.out().contains("TokenSigning"), health.out());
        CliProcess unreachable = new CliProcess(cli.home(), Map.of("DRYDOCK_SERVER", "http://127.0.0.1:1"));
        CliProcess.Result down = unreachable.run("registry", "list");
        assertEquals(Api.EXIT_UNREACHABLE, down.exit(), down.toString());
        assertTrue(down.err().startsWith("ERROR: cannot reach http://127.0.0.1:1"), down.err());
    }
}
