package dev.drydock.instances.api;

import dev.drydock.devstack.OutsideWorld;
import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.registry.RegistryFixture;
import dev.drydock.instances.service.Node;
import dev.drydock.instances.testing.BusyboxImage;
import dev.drydock.sandbox.HostCommand;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.drydock.instances.testing.GroupsApi.BASE;
import static dev.drydock.instances.testing.GroupsApi.admin;
import static dev.drydock.instances.testing.GroupsApi.awaitState;
import static dev.drydock.instances.testing.GroupsApi.delete;
import static dev.drydock.instances.testing.GroupsApi.put;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container's process as an attacker runs it, against real runc: each test fails if the attack succeeds. The
 * node's capacity is fixed for tests at 16 CPUs and 32 GB (application.properties).
 */
@QuarkusTest
@WithTestResource(value = RegistryTestResource.class, scope = TestResourceScope.GLOBAL)
class GroupIsolationTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static String image;
    private static OutsideWorld outside;

    @ConfigProperty(name = "drydock.test.registry-url")
    String registryUrl;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String database;

    @Inject
    Node node;

    @BeforeAll
    static void outside() {
        outside = OutsideWorld.start(78, "mirror.txt", "outside-world-answered");
    }

    @AfterAll
    static void removeOutside() {
        if (outside != null) {
            outside.close();
        }
    }

    @BeforeEach
    void image() throws IOException {
        if (image == null) {
            String repository = "isolation/busybox";
            BusyboxImage.push(new RegistryFixture(registryUrl), repository, "1", "isolated");
            image = URI.create(registryUrl).getAuthority() + "/" + repository + ":1";
        }
    }

    @Test
    void containerRootIsAnUnprivilegedHostIdWithSeccompAndNoNewPrivileges() throws IOException {
        String name = running("userns", "sleep 6197", 0.5);
        try {
            JsonPath exec = exec(name, "grep -E '^(Seccomp|NoNewPrivs|Uid):' /proc/self/status;"
                    + " cat /proc/self/uid_map");
            String out = exec.getString("stdout");
            assertTrue(out.contains("Seccomp:\t2"), "the seccomp filter is on: " + out);
            assertTrue(out.contains("NoNewPrivs:\t1"), out);
            assertTrue(out.contains("Uid:\t0\t0\t0\t0"), "root inside: " + out);
            int base = node.isolation().ids().hostBase();
            assertTrue(out.matches("(?s).*\\s0\\s+" + base + "\\s+65536.*"),
                    "root inside is " + base + " outside: " + out);
            // seen from the host, the container's processes are not root's
            long pid = processes("sleep 6197").get(0);
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertEquals("Uid:\t" + base + "\t" + base + "\t" + base + "\t" + base, uid);
            assertNotEquals(0, base);
        } finally {
            delete(name);
        }
    }

    @Test
    void orphansAreReapedByTheInit() throws IOException {
        String name = running("zombies", "sleep 6199", 0.5);
        try {
            String spawned = exec(name, "i=0; while [ $i -lt 200 ]; do sleep 0 >/dev/null 2>&1 & i=$((i+1)); done;"
                    + " echo spawned").getString("stdout");
            assertTrue(spawned.contains("spawned"), spawned);
            Path procs = Path.of("/sys/fs/cgroup/pids" + node.cgroups().path(name, "main"), "cgroup.procs");
            Awaitility.await().atMost(QUICK).until(() -> zombies(procs) == 0);
            assertTrue(Files.exists(procs), "the container's cgroup is where it should be: " + procs);
        } finally {
            delete(name);
        }
    }

    @Test
    void aForkBombHitsThePidsLimitAndTheHostStaysResponsive() throws IOException {
        // memory enough for 1024 processes' kernel stacks: the pids limit, not the OOM killer, must stop the bomb
        String name = running("forkbomb", "sleep 6203", 0.5, 1);
        try {
            JsonPath exec = exec(name, "i=0; while [ $i -lt 3000 ]; do sleep 6211 >/dev/null 2>&1 & i=$((i+1)); done");
            assertTrue(exec.getString("stderr").contains("can't fork"), "the pids limit refused: " + exec.prettify());
            // the host still forks and answers
            assertEquals(0, HostCommand.run(List.of("true"), QUICK).exitCode());
            admin().get(BASE).then().statusCode(200);
        } finally {
            delete(name);
        }
        assertTrue(processes("sleep 6211").isEmpty(), "nothing of the bomb outlives its group");
    }

    @Test
    void aGroupReachesTheOutsideWorldButNotAnotherGroupNorTheHostNorTheControlPlane() throws IOException {
        String target = running("target", "httpd -f -p 80 -h /www", 0.5);
        String attacker = running("attacker", "httpd -f -p 127.0.0.1:8080 -h /www", 0.5);
        try {
            String other = admin().get(BASE + target).then().statusCode(200).extract().path("properties.ipAddress.ip");
            List<String> ports = List.of(port(registryUrl), port("http://" + kafka),
                    port(database.replace("postgresql://", "http://")), String.valueOf(RestAssured.port));
            List<String> targets = new ArrayList<>(List.of(other + ":80"));
            for (String address : OutsideWorld.hostAddresses()) {
                ports.forEach(p -> targets.add(address + ":" + p));
            }
            ports.forEach(p -> targets.add("GATEWAY:" + p));
            String script = "gw=$(ip route | awk '/default/ {print $3}'); for t in " + String.join(" ", targets)
                    + "; do t=$(echo $t | sed \"s/GATEWAY/$gw/\"); if nc -w 2 ${t%:*} ${t#*:} </dev/null >/dev/null"
                    + " 2>&1; then echo \"REACHED $t\"; fi; done;"
                    + " nc -w 2 127.0.0.1 8080 </dev/null && echo own-localhost;"
                    + " printf 'GET /mirror.txt HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + outside.address() + " "
                    + OutsideWorld.PORT;
            String out = exec(attacker, script).getString("stdout");
            assertFalse(out.contains("REACHED"), "a group reached what it must not: " + out);
            assertTrue(out.contains("own-localhost"), "its own containers stay reachable: " + out);
            assertTrue(out.contains("outside-world-answered"), "the outside world is reachable: " + out);
        } finally {
            delete(attacker);
            delete(target);
        }
    }

    @Test
    void aGroupOverTheNodesCapacityIsRefusedAndNothingIsStored() {
        String big = "big-" + UUID.randomUUID().toString().substring(0, 8);
        put(big, group(big, "sleep 1", 20)).then().statusCode(503).header("Retry-After", equalTo("60"))
                .body("error.code", equalTo("ServiceUnavailable"))
                .body("error.message", containsString("'20' CPU"));
        admin().get(BASE + big).then().statusCode(404);
        // two groups of 10 CPUs on a 16-CPU node: the second waits until the first is gone
        String first = running("first", "sleep 6217", 10);
        String second = "second-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            put(second, group(second, "sleep 6219", 10)).then().statusCode(503);
            delete(first);
            put(second, group(second, "sleep 6219", 10)).then().statusCode(201);
            awaitState(second, "Running");
        } finally {
            delete(second);
            delete(first);
        }
    }

    private String running(String prefix, String command, double cpu) {
        return running(prefix, command, cpu, 0.1);
    }

    private String running(String prefix, String command, double cpu, double memoryInGb) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        put(name, group(name, command, cpu, memoryInGb)).then().log().ifValidationFails().statusCode(201);
        awaitState(name, "Running");
        Awaitility.await().atMost(QUICK).until(() -> "Running".equals(admin().get(BASE + name).then().extract()
                .path("properties.containers[0].properties.instanceView.currentState.state")));
        return name;
    }

    private static String group(String name, String command, double cpu) {
        return group(name, command, cpu, 0.1);
    }

    private static String group(String name, String command, double cpu, double memoryInGb) {
        List<String> words = List.of(command.split(" "));
        return """
                apiVersion: 2023-05-01
                name: %s
                properties:
                  osType: Linux
                  restartPolicy: Never
                  containers:
                    - name: main
                      properties:
                        image: %s
                        command: [%s]
                        resources:
                          requests:
                            cpu: %s
                            memoryInGB: %s
                """.formatted(name, image, String.join(", ", words.stream().map(w -> "'" + w + "'").toList()), cpu,
                memoryInGb);
    }

    private static JsonPath exec(String group, String script) {
        return admin().contentType("application/json").body(Map.of("command", List.of("/bin/sh", "-c", script)))
                .post(BASE + group + "/containers/main/exec").then().statusCode(200).extract().jsonPath();
    }

    /** The host's processes whose command line (read from /proc, argv[0] included) contains {@code marker}. */
    private static List<Long> processes(String marker) {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(pid -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ')
                        .contains(marker);
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }).toList();
    }

    private static long zombies(Path procs) throws IOException {
        long count = 0;
        for (String pid : Files.readAllLines(procs)) {
            Path stat = Path.of("/proc", pid.strip(), "stat");
            if (Files.exists(stat)) {
                String text = Files.readString(stat);
                if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                    count++;
                }
            }
        }
        return count;
    }

    private static String port(String url) {
        return String.valueOf(URI.create(url).getPort());
    }
}
