package dev.drydock.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.task.TaskRunChanged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTypesTest {

    static Stream<EventType<?>> types() {
        return EventTypes.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void goldenSampleRoundTripsWithoutLosingAField(EventType<?> type) throws IOException {
        JsonNode golden = EventJson.mapper().readTree(EventSamples.json(type));
        Object payload = EventSamples.payload(type);

        JsonNode written = EventJson.mapper().readTree(EventJson.write(payload));

        assertEquals(golden, written, "the payload record must write back exactly the golden sample");
        assertEquals(type.payloadClass(), payload.getClass());
    }

    @Test
    void requiredFieldsAreTheContract() throws IOException {
        assertEquals(Set.of("registry", "repository", "digest", "mediaType", "actor", "pushedAt"),
                requiredFields(EventTypes.IMAGE_PUSHED));
        assertEquals(Set.of("registry", "repository", "digest"), requiredFields(EventTypes.IMAGE_DELETED));
        assertEquals(Set.of("registry", "repository", "tag", "digest"), requiredFields(EventTypes.TAG_DELETED));
        assertEquals(Set.of("registry", "repository"), requiredFields(EventTypes.ATTRIBUTES_CHANGED));
        assertEquals(Set.of("registry", "base", "newDigest"), requiredFields(EventTypes.BASE_IMAGE_UPDATED));
        assertEquals(Set.of("repositoryUrl", "branch", "commit"), requiredFields(EventTypes.SOURCE_COMMIT_PUSHED));
        assertEquals(Set.of("registry", "runId", "runType", "status"), requiredFields(EventTypes.TASK_RUN_CHANGED));
        assertEquals(Set.of("group", "state"), requiredFields(EventTypes.INSTANCE_GROUP_CHANGED));
    }

    @Test
    void keysKeepOneSubjectOnOnePartition() {
        ImagePushed pushed = EventSamples.payload(EventTypes.IMAGE_PUSHED);
        assertEquals("contoso/apps/web", EventTypes.IMAGE_PUSHED.keyOf(pushed));
        assertEquals("contoso/base/node",
                EventTypes.BASE_IMAGE_UPDATED.keyOf(EventSamples.payload(EventTypes.BASE_IMAGE_UPDATED)));
        assertEquals("https://git.example.com/contoso/web.git",
                EventTypes.SOURCE_COMMIT_PUSHED.keyOf(EventSamples.payload(EventTypes.SOURCE_COMMIT_PUSHED)));
        assertEquals("contoso/ca1b",
                EventTypes.TASK_RUN_CHANGED.keyOf(EventSamples.payload(EventTypes.TASK_RUN_CHANGED)));
    }

    @Test
    void unknownFieldsFromNewerProducersAreIgnored() throws IOException {
        ObjectNode golden = (ObjectNode) EventJson.mapper().readTree(EventSamples.json(EventTypes.TASK_RUN_CHANGED));
        golden.put("agentPool", "large");
        TaskRunChanged run = EventJson.read(EventJson.mapper().writeValueAsBytes(golden), EventTypes.TASK_RUN_CHANGED);
        assertEquals(TaskRunChanged.RunStatus.Succeeded, run.status());
        assertEquals(Instant.parse("2026-11-28T09:15:03.112Z"), run.finishedAt());
    }

    @Test
    void malformedJsonIsReportedWithTheEventType() {
        MalformedEventException e = assertThrows(MalformedEventException.class,
                () -> EventJson.read("{\"runId\":".getBytes(), EventTypes.TASK_RUN_CHANGED));
        assertTrue(e.getMessage().startsWith("dev.drydock.task.run.changed:"), e.getMessage());
    }

    @Test
    void typesAreUniqueAndTravelOnKnownTopics() {
        assertEquals(EventTypes.ALL.size(), EventTypes.ALL.stream().map(EventType::type).distinct().count());
        EventTypes.ALL.forEach(t -> assertTrue(Topics.ALL.contains(t.topic()), t.type()));
        assertEquals(EventTypes.IMAGE_DELETED, EventTypes.byType("dev.drydock.registry.image.deleted").orElseThrow());
        assertTrue(EventTypes.byType("dev.drydock.registry.image.exploded").isEmpty());
    }

    @Test
    void deployManifestsCreateExactlyTheseTopics() throws IOException {
        Set<String> listed = deployKafkaFile("topics.txt").stream().map(l -> l.split(" ")[0])
                .collect(Collectors.toSet());
        assertEquals(Set.copyOf(Topics.ALL), listed);
    }

    @Test
    void deployManifestsGrantExactlyTheseKafkaRights() throws IOException {
        assertEquals(KafkaPrincipals.GRANTS.stream().map(KafkaPrincipals.Grant::line).collect(Collectors.toSet()),
                Set.copyOf(deployKafkaFile("acls.txt")));
        KafkaPrincipals.GRANTS.forEach(g -> assertTrue(KafkaPrincipals.ALL.contains(g.principal()), g.line()));
    }

    @Test
    void kubernetesKafkaUsersGrantTheSameRights() throws IOException {
        String yaml = Files.readString(Path.of("..", "deploy", "kubernetes", "kafka", "users.yaml"));
        Pattern acl = Pattern.compile("resource: \\{type: (topic|group), name: ([\\w-]+), patternType: \\w+}"
                + "\\s+operations: \\[(Write|Read)]");
        Set<String> granted = new HashSet<>();
        for (String user : yaml.split("\n---\n")) {
            Matcher name = Pattern.compile("\n  name: ([\\w-]+)").matcher(user);
            assertTrue(name.find(), user);
            Matcher m = acl.matcher(user);
            while (m.find()) {
                String right = m.group(1).equals("group") ? "read-group" : m.group(3).toLowerCase() + "-topic";
                granted.add(name.group(1) + " " + right + " " + m.group(2));
            }
        }
        assertEquals(KafkaPrincipals.GRANTS.stream().map(KafkaPrincipals.Grant::line).collect(Collectors.toSet()),
                granted);
    }

    /** The lines of a file under deploy/kafka that are no comment, their fields joined by single spaces. */
    private static List<String> deployKafkaFile(String name) throws IOException {
        return Files.readAllLines(Path.of("..", "deploy", "kafka", name)).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> String.join(" ", l.split("\\s+")))
                .toList();
    }

    private static Set<String> requiredFields(EventType<?> type) throws IOException {
        ObjectNode golden = (ObjectNode) EventJson.mapper().readTree(EventSamples.json(type));
        Set<String> required = new HashSet<>();
        golden.fieldNames().forEachRemaining(field -> {
            ObjectNode without = golden.deepCopy();
            without.remove(field);
            try {
                EventJson.read(EventJson.mapper().writeValueAsBytes(without), type);
            } catch (MalformedEventException e) {
                assertTrue(e.getMessage().contains(field), () -> "the error should name the field: " + e.getMessage());
                required.add(field);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return required;
    }
}
