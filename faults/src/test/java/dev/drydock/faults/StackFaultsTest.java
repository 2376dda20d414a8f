package dev.drydock.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault suite: one local stack, started by {@code drydock-stack up} as a user would, then hurt the way an unlucky
 * operator's machine hurts it. Every scenario prints what it measured on a line starting with "fault-suite:".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackFaultsTest {

    private static StackUnderTest stack;
    private static final List<Pusher.Pushed> ACKNOWLEDGED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void up() {
        stack = new StackUnderTest();
        long start = System.nanoTime();
        StackUnderTest.Command up = stack.run("up");
        assertEquals(0, up.status(), up.output());
        report("stack up in %.1f s", seconds(System.nanoTime() - start));
        // the reactor built every jar just before this suite: nothing changed since, so nothing is built again
        assertFalse(up.output().contains("building"), up.output());
        try {
            ACKNOWLEDGED.add(new Pusher(stack).push("fault/first"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void upOnARunningStackSaysSoAndEndsAtOnce() {
        long start = System.nanoTime();
        StackUnderTest.Command again = stack.run("up");
        assertEquals(0, again.status(), again.output());
        assertTrue(again.output().contains("already running"), again.output());
        assertFalse(again.output().contains("building"), again.output());
        report("second up: exit 0 in %.2f s, built nothing", seconds(System.nanoTime() - start));
    }

    @Test
    @Order(2)
    void theRegistryKilledUnderPushLoadLosesNoPushAndNoEvent() throws Exception {
        Pusher pusher = new Pusher(stack);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sequence = new AtomicInteger();
        List<Pusher.Pushed> pushed = new CopyOnWriteArrayList<>();
        ExecutorService pushers = Executors.newFixedThreadPool(3);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(pushers.submit(() -> {
                while (!stop.get()) {
                    pushed.add(pusher.push("fault/kill-" + sequence.incrementAndGet()));
                }
                return null;
            }));
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> pushed.size() >= 6);
        long registry = stack.pid("registry");
        stack.signal("registry", "KILL", false);
        Duration back = stack.awaitReady(stack.registryPort, Duration.ofMinutes(3));
        int beforeKill = pushed.size();
        await().atMost(Duration.ofMinutes(2)).until(() -> pushed.size() >= beforeKill + 6);
        stop.set(true);
        for (Future<?> f : running) {
            f.get(3, TimeUnit.MINUTES);
        }
        pushers.shutdown();

        assertTrue(stack.status("registry").matches("registry running \\d+ 1 137"), stack.status("registry"));
        assertNotEquals(registry, stack.pid("registry"));
        assertTrue(stack.stackLog().contains("registry died (exit status 137)"), stack.stackLog());
        int lost = 0;
        for (Pusher.Pushed p : pushed) {
            lost += stack.get(stack.registryPort, "/v2/" + p.repository() + "/manifests/" + p.digest()).statusCode()
                    == 200 && stack.get(stack.registryPort, "/v2/" + p.repository() + "/blobs/" + p.layerDigest())
                    .statusCode() == 200 ? 0 : 1;
        }
        assertEquals(0, lost, "acknowledged pushes that are gone");
        List<String> repositories = pushed.stream().map(Pusher.Pushed::repository).toList();
        long eventsFrom = System.nanoTime();
        try (PushEvents events = new PushEvents(stack)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> events.missing(repositories).isEmpty());
            report("registry kill -9 under 3 pushers: ready again %.1f s after the kill, %d pushes acknowledged, %d"
                            + " attempts retried, pushes lost %d, events lost 0 (all read in %.1f s), duplicate"
                            + " events %d", seconds(back.toNanos()), pushed.size(),
                    pushed.stream().mapToInt(Pusher.Pushed::failedAttempts).sum(), lost,
                    seconds(System.nanoTime() - eventsFrom), events.duplicates(repositories));
        }
        ACKNOWLEDGED.addAll(pushed);
    }

    @Test
    @Order(3)
    void theTaskAndInstanceServicesKilledAreRestartedAndKeepWhatTheyAcknowledged() throws Exception {
        for (String service : List.of("tasks", "instances")) {
            int port = service.equals("tasks") ? stack.tasksPort : stack.instancesPort;
            String list = service.equals("tasks") ? "/api/v1/registries/default/tasks" : "/api/v1/containerGroups";
            long before = stack.pid(service);
            stack.signal(service, "KILL", false);
            long killed = System.nanoTime();
            // the load: the API asked all the while; refused while the service is away, right once it is back
            AtomicInteger refused = new AtomicInteger();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    return stack.get(port, list).statusCode() == 200;
                } catch (IOException e) {
                    refused.incrementAndGet();
                    return false;
                }
            });
            double back = seconds(System.nanoTime() - killed);
            assertTrue(stack.status(service).matches(service + " running \\d+ 1 137"), stack.status(service));
            assertNotEquals(before, stack.pid(service));
            assertTrue(stack.stackLog().contains(service + " died (exit status 137)"), stack.stackLog());
            report("%s kill -9: API answering again %.1f s after the kill (%d requests refused meanwhile)", service,
                    back, refused.get());
        }
    }

    @Test
    @Order(4)
    void pushesGoOnWhileKafkaIsAwayAndTheirEventsArriveOnceAfterItReturns() throws Exception {
        stack.signal("kafka", "STOP", false);
        Pusher pusher = new Pusher(stack);
        List<Pusher.Pushed> pushed = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < 5; i++) {
                pushed.add(pusher.push("fault/no-kafka-" + i));
            }
            assertTrue(stack.ready(stack.registryPort), "the registry stays ready without Kafka");
            assertEquals(200, stack.get(stack.registryPort, "/q/health/live").statusCode());
        } finally {
            // a frozen broker killed: the supervisor starts a new one on the same data
            stack.signal("kafka", "KILL", false);
        }
        double pushing = seconds(System.nanoTime() - start);
        assertEquals(0, pushed.stream().mapToInt(Pusher.Pushed::failedAttempts).sum(), "no push had to be retried");
        long killed = System.nanoTime();
        List<String> repositories = pushed.stream().map(Pusher.Pushed::repository).toList();
        await().atMost(Duration.ofMinutes(2)).until(() -> stack.status("kafka").matches("kafka running \\d+ 1 137"));
        double restarted = seconds(System.nanoTime() - killed);
        try (PushEvents events = new PushEvents(stack)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> events.missing(repositories).isEmpty());
            double delivered = seconds(System.nanoTime() - killed);
            int duplicates = events.duplicates(repositories);
            assertEquals(0, duplicates, "events delivered more than once: " + events.poll());
            report("kafka frozen: 5 pushes acknowledged in %.1f s, none retried, registry ready throughout; kafka"
                    + " killed and restarted in %.1f s; all 5 events delivered %.1f s after the kill, events lost 0,"
                    + " duplicates 0", pushing, restarted, delivered);
        }
        ACKNOWLEDGED.addAll(pushed);
    }

    /** What every service answers while the database is away, and how fast. */
    private static Map<String, HttpResponse<String>> askEveryApi(Map<String, Double> seconds) throws Exception {
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        Map<String, Integer> apis = new LinkedHashMap<>();
        apis.put("/v2/_catalog", stack.registryPort);
        apis.put("/acr/v1/fault/first/_tags", stack.registryPort);
        apis.put("/api/v1/registries", stack.registryPort);
        apis.put("/api/v1/registries/default/tasks", stack.tasksPort);
        apis.put("/api/v1/containerGroups", stack.instancesPort);
        ExecutorService askers = Executors.newFixedThreadPool(apis.size());
        Map<String, Future<HttpResponse<String>>> pending = new LinkedHashMap<>();
        apis.forEach((path, port) -> pending.put(path, askers.submit(() -> {
            long start = System.nanoTime();
            HttpResponse<String> response = stack.get(port, path);
            synchronized (seconds) {
                seconds.put(path, seconds(System.nanoTime() - start));
            }
            return response;
        })));
        for (var p : pending.entrySet()) {
            answers.put(p.getKey(), p.getValue().get(1, TimeUnit.MINUTES));
        }
        askers.shutdown();
        return answers;
    }

    private static void assertEveryApiAnswers503(Map<String, HttpResponse<String>> answers) {
        answers.forEach((path, response) -> {
            assertEquals(503, response.statusCode(), () -> path + ": " + response.body());
            assertTrue(response.headers().firstValue("Retry-After").isPresent(), path + " has no Retry-After");
            assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"), path);
        });
    }

    private static Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String service : List.of("registry", "tasks", "instances")) {
            pids.put(service, stack.pid(service));
        }
        return pids;
    }

    private static double awaitEveryApiAnswers() {
        long start = System.nanoTime();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, HttpResponse<String>> answers = askEveryApi(new LinkedHashMap<>());
            return answers.values().stream().allMatch(r -> r.statusCode() == 200);
        });
        return seconds(System.nanoTime() - start);
    }

    @Test
    @Order(5)
    void aFrozenDatabaseGets503WithinSecondsEverywhereAndRecoveryNeedsNoRestart() throws Exception {
        Map<String, Long> pids = servicePids();
        stack.signal("postgres", "STOP", true);
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, HttpResponse<String>> answers;
        long readiness;
        try {
            answers = askEveryApi(seconds);
            long start = System.nanoTime();
            assertFalse(stack.ready(stack.registryPort), "the registry is not ready without its database");
            readiness = System.nanoTime() - start;
        } finally {
            stack.signal("postgres", "CONT", true);
        }
        double recovered = awaitEveryApiAnswers();
        assertEveryApiAnswers503(answers);
        assertEquals(pids, servicePids(), "no service was restarted");
        report("postgres frozen (SIGSTOP): 503 with Retry-After from %s; readiness DOWN in %.1f s; every API 200"
                + " again %.1f s after SIGCONT, no restart", format(seconds), seconds(readiness), recovered);
    }

    @Test
    @Order(6)
    void aKilledDatabaseIsRestartedAndTheServicesRecoverWithoutRestart() throws Exception {
        Map<String, Long> pids = servicePids();
        stack.signal("postgres", "KILL", false);
        long killed = System.nanoTime();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, HttpResponse<String>> answers = askEveryApi(seconds);
        // Backends outlive their postmaster for a moment, so the APIs can answer 200 before the supervisor has
        // noticed; recovery is the restarted database answering, not the old one's last breath.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.status("postgres").matches("postgres running \\d+ 1 137"));
        double recovered = awaitEveryApiAnswers();
        double total = seconds(System.nanoTime() - killed);
        assertTrue(answers.values().stream().allMatch(r -> r.statusCode() == 503 || r.statusCode() == 200),
                () -> answers.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().statusCode()).toList()
                        .toString());
        answers.values().stream().filter(r -> r.statusCode() == 503).forEach(r ->
                assertTrue(r.headers().firstValue("Retry-After").isPresent()));
        assertEquals(pids, servicePids(), "no service was restarted");
        report("postgres kill -9: answers meanwhile %s; restarted by the supervisor, every API 200 again %.1f s after"
                + " the kill (%.1f s after the first answers), no service restart", format(seconds,
                answers), total, recovered);
    }

    @Test
    @Order(7)
    void downThenUpBuildsNothingAndKeepsEveryPush() throws Exception {
        StackUnderTest.Command down = stack.run("down");
        assertEquals(0, down.status(), down.output());
        long start = System.nanoTime();
        StackUnderTest.Command up = stack.run("up");
        assertEquals(0, up.status(), up.output());
        assertFalse(up.output().contains("building"), up.output());
        double took = seconds(System.nanoTime() - start);
        for (Pusher.Pushed p : ACKNOWLEDGED) {
            assertEquals(200, stack.get(stack.registryPort, "/v2/" + p.repository() + "/manifests/" + p.digest())
                    .statusCode(), p.repository());
        }
        report("down, then up: healthy in %.1f s without a build, all %d acknowledged pushes still there", took,
                ACKNOWLEDGED.size());
    }

    private static String format(Map<String, Double> seconds) {
        StringBuilder text = new StringBuilder();
        seconds.forEach((path, s) -> text.append(text.isEmpty() ? "" : ", ").append(path)
                .append(String.format(" in %.1f s", s)));
        return text.toString();
    }

    private static String format(Map<String, Double> seconds, Map<String, HttpResponse<String>> answers) {
        StringBuilder text = new StringBuilder();
        seconds.forEach((path, s) -> text.append(text.isEmpty() ? "" : ", ").append(path).append(' ')
                .append(answers.get(path).statusCode()).append(String.format(" in %.1f s", s)));
        return text.toString();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void report(String format, Object... args) {
        System.out.println("fault-suite: " + String.format(format, args));
    }
}
