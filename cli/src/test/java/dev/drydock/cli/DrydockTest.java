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
import java.util.List;
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
        // stderr is no terminal here: one line, no progress bar redrawn with carriage returns
        assertTrue(built.err().contains("Uploaded context (") && !built.err().contains("\r"), built.err());

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
    @Order(56)
    void softDeletedImagesAndRepositoriesComeBack() throws IOException {
        String tenant = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        ok("registry", "create", tenant, "--sku", "Standard");
        assertEquals("enabled", json("-n", tenant, "config", "soft-delete", "update", "--status", "enabled",
                "--days", "3").path("status").asText());
        assertEquals(3, json("-n", tenant, "config", "soft-delete", "show").path("retentionDays").asInt());
        ok("-n", tenant, "import", "--source", registry + "/demo/app:v1");
        String digest = json("-n", tenant, "repository", "show", "demo/app:v1").path("digest").asText();

        ok("-n", tenant, "repository", "delete", "--image", "demo/app:v1", "--yes");
        assertEquals(digest, json("-n", tenant, "manifest", "list-deleted", "demo/app").path(0).path("digest")
                .asText());
        assertEquals(digest, json("-n", tenant, "manifest", "list-deleted-tags", "demo/app:v1").path(0)
                .path("digest").asText());
        assertEquals(digest, json("-n", tenant, "manifest", "restore", "demo/app:v1").path(0).path("digest")
                .asText());
        assertEquals(digest, json("-n", tenant, "repository", "show", "demo/app:v1").path("digest").asText());

        ok("-n", tenant, "repository", "delete", "demo/app", "--yes");
        assertEquals("demo/app", json("-n", tenant, "repository", "list-deleted").path(0).path("name").asText());
        ok("-n", tenant, "repository", "restore", "demo/app");
        assertEquals(digest, json("-n", tenant, "repository", "show", "demo/app:v1").path("digest").asText());
        ok("registry", "delete", tenant, "--yes");
    }

    @Test
    @Order(57)
    void cacheRulesFillARepositoryFromAnotherRegistry() throws IOException {
        String tenant = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        ok("registry", "create", tenant);
        ok("-n", tenant, "import", "--source", registry + "/demo/app:v1");
        String digest = json("-n", tenant, "repository", "show", "demo/app:v1").path("digest").asText();
        String upstream = tenant + ".drydock.localhost";
        String set = "set-" + tenant;
        ok("credential-set", "create", set, "-l", upstream, "-u", RegistryTestResource.ADMIN, "-p",
                RegistryTestResource.ADMIN_PASSWORD);
        String mirror = "mirror-" + tenant;
        ok("cache", "create", "rule-" + tenant, "-s", upstream + "/demo/*", "-t", mirror + "/*", "-c", set);
        assertTrue(ok("cache", "list", "-o", "tsv").out().contains("rule-" + tenant + "\t" + mirror + "/*"));
        assertFalse(ok("credential-set", "show", set, "-o", "json").out().contains(RegistryTestResource.ADMIN_PASSWORD));

        // a container client pulls from the mirror as from any repository: the first pull fills it
        Process skopeo = new ProcessBuilder("skopeo", "inspect", "--tls-verify=false", "--authfile",
                cli.home().resolve("containers-auth.json").toString(), "docker://" + registry + "/" + mirror
                + "/app:v1").redirectErrorStream(true).start();
        String inspected = new String(skopeo.getInputStream().readAllBytes());
        assertEquals(0, waitFor(skopeo), inspected);
        assertEquals(digest, json("repository", "show", mirror + "/app:v1").path("digest").asText());
        assertEquals("Healthy", json("credential-set", "show", set).path("authCredentials").path(0)
                .path("credentialHealth").path("status").asText());

        CliProcess.Result inUse = cli.run("credential-set", "delete", set, "--yes");
        assertEquals(1, inUse.exit(), inUse.toString());
        ok("cache", "update", "rule-" + tenant, "--remove-cred-set");
        ok("credential-set", "delete", set, "--yes");
        ok("cache", "delete", "rule-" + tenant, "--yes");
        ok("registry", "delete", tenant, "--yes");
    }

    @Test
    @Order(55)
    void registryAdministrationAsAzUsersDoIt() throws IOException {
        String tenant = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        ok("registry", "create", tenant, "--sku", "Premium");
        // global options before the subcommand, and az's spelling of registry update
        JsonNode updated = json("-n", tenant, "registry", "update", "--admin-enabled", "true",
                "--anonymous-pull-enabled", "true");
        assertTrue(updated.path("adminUserEnabled").asBoolean() && updated.path("anonymousPullEnabled").asBoolean());
        assertTrue(ok("-n", tenant, "show-usage").out().contains("Size"));
        JsonNode renewed = json("-n", tenant, "credential", "renew", "--password-name", "password2");
        assertEquals("password2", renewed.path("passwords").path(0).path("name").asText());
        String password = renewed.path("passwords").path(0).path("value").asText();
        assertFalse(ok("-n", tenant, "credential", "show", "-o", "json").out().contains(password));
        assertEquals("enabled", json("-n", tenant, "config", "retention", "update", "--status", "enabled", "--days",
                "5").path("status").asText());
        assertEquals(5, json("-n", tenant, "config", "retention", "show").path("days").asInt());

        // import from Drydock's own registries by login server, as the administrator, without source credentials
        String port = registry.substring(registry.indexOf(':'));
        ok("-n", tenant, "import", "--source", registry + "/demo/app:v1");
        JsonNode back = json("import", "--source", tenant + ".drydock.localhost" + port + "/demo/app:v1", "-t",
                "fromtenant/app:v1");
        assertTrue(back.path("digest").asText().startsWith("sha256:"), back.toString());

        ok("-n", tenant, "webhook", "create", "cihook", "--uri", "http://127.0.0.1:1/hook", "--actions", "push,delete",
                "--headers", "X-Team=blue");
        assertTrue(ok("-n", tenant, "webhook", "list", "-o", "tsv").out().startsWith("cihook\tenabled"));
        assertEquals("disabled", json("-n", tenant, "webhook", "update", "cihook", "--status", "disabled")
                .path("status").asText());
        assertEquals("blue", json("-n", tenant, "webhook", "get-config", "cihook").path("customHeaders")
                .path("X-Team").asText());
        ok("-n", tenant, "webhook", "ping", "cihook");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cli.run("-n", tenant,
                "webhook", "list-events", "cihook", "-o", "tsv").out().contains("ping"));
        assertTrue(json("-n", tenant, "webhook", "show", "cihook").path("actions").toString().contains("push"));
        ok("-n", tenant, "webhook", "delete", "cihook", "--yes");

        JsonNode tagged = json("-n", tenant, "repository", "show", "demo/app:v1");
        String digest = tagged.path("digest").asText();
        assertTrue(digest.startsWith("sha256:"), tagged.toString());
        assertEquals(digest, json("-n", tenant, "repository", "show", "--image", "demo/app@" + digest)
                .path("digest").asText());
        assertEquals("v1", json("-n", tenant, "repository", "show-tags", "demo/app").path(0).asText());
        assertEquals(digest, json("-n", tenant, "repository", "show-tags", "demo/app", "--detail").path(0)
                .path("digest").asText());
        assertEquals(0, json("-n", tenant, "manifest", "list-referrers", "demo/app:v1").path("manifests").size());
        JsonNode token = json("-n", tenant, "login", "--expose-token");
        assertEquals(tenant + ".drydock.localhost", token.path("loginServer").asText());
        assertTrue(token.path("accessToken").asText().length() > 100);
        // az's --image deletes the manifest with every tag on it, not just the tag
        ok("-n", tenant, "repository", "delete", "--image", "demo/app:v1", "--yes");
        assertEquals(Api.EXIT_NOT_FOUND, cli.run("-n", tenant, "repository", "show", "--image", "demo/app@"
                + digest).exit());
        ok("registry", "delete", tenant, "--yes");
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
        CliProcess.Result latest = ok("task", "logs", "--name", "nightly");
        assertTrue(latest.err().contains("Showing the latest run: " + runId), latest.err());
        assertEquals(600, json("task", "update", "nightly", "--timeout", "600").path("timeout").asInt());
        ok("task", "credential", "add", "nightly", "--login-server", "mirror.example:5000", "-u", "bot", "-p",
                "s3cret-pass");
        CliProcess.Result half = cli.run("task", "credential", "add", "nightly", "--login-server", "x.example", "-u",
                "bot");
        assertEquals(2, half.exit(), "a password or an identity is needed: " + half);
        String listed = ok("task", "credential", "list", "nightly", "-o", "tsv").out();
        assertTrue(listed.startsWith("mirror.example:5000\tbot") && !listed.contains("s3cret-pass"), listed);
        ok("task", "credential", "update", "nightly", "--login-server", "mirror.example:5000", "-u", "bot2", "-p",
                "other-pass");
        ok("task", "credential", "remove", "nightly", "--login-server", "mirror.example:5000");
        assertEquals(Api.EXIT_NOT_FOUND, cli.run("task", "credential", "update", "nightly", "--login-server",
                "mirror.example:5000", "-u", "a", "-p", "b").exit());
        // --no-wait returns with the queued run; the build goes on without the command
        JsonNode queued = json("task", "run", "nightly", "--no-wait");
        assertTrue(List.of("Queued", "Started", "Running").contains(queued.path("status").asText()), queued.toString());
        assertEquals(0, cli.run("task", "logs", "--run-id", queued.path("runId").asText()).exit());

        CliProcess.Result purge = ok("purge", "--filter", "demo/app:ca.*", "--ago", "0d", "--dry-run");
        assertTrue(purge.out().contains("Would delete " + registry + "/demo/app:" + runId), purge.out());
        assertTrue(json("repository", "show-tags", "demo/app").toString().contains("\"" + runId + "\""),
                "a dry run deletes nothing");
        ok("task", "delete", "nightly", "--yes");
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
        // ACI's interactive exec: a terminal over a WebSocket, here fed from a pipe
        CliProcess.Result shell = cli.runWithInput("[ -t 0 ] && echo on-a-tty; echo $((6*7)); exit 5\n",
                "container", "exec", "web", "--exec-command", "/bin/sh");
        assertEquals(5, shell.exit(), shell.toString());
        assertTrue(shell.out().contains("on-a-tty") && shell.out().contains("42"), shell.out());

        Path job = Files.writeString(work.resolve("job.yaml"), """
                name: job
                properties:
                  restartPolicy: Never
                  containers:
                    - name: job
                      properties:
                        image: %s/demo/app:v1
                        command: ['/bin/sh', '-c', 'echo attached; sleep 2; echo finished']
                        resources: {requests: {cpu: 0.5, memoryInGB: 0.25}}
                """.formatted(registry));
        ok("container", "create", "-f", job.toString());
        CliProcess.Result attached = ok("container", "attach", "job");
        assertTrue(attached.out().contains("attached\n") && attached.out().contains("finished\n"), attached.out());
        assertTrue(attached.err().contains("Container 'job' is in state"), attached.err());
        ok("container", "delete", "job", "--yes");
        // an image that does not exist fails the group at once, and create says so
        Path typo = Files.writeString(work.resolve("typo.yaml"), Files.readString(job).replace("name: job",
                "name: typo").replace("demo/app:v1", "demo/no-such-app:v1"));
        CliProcess.Result failed = cli.run("container", "create", "-f", typo.toString());
        assertEquals(Drydock.EXIT_UNSUCCESSFUL, failed.exit(), failed.toString());
        ok("container", "delete", "typo", "--yes");
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
