package dev.drydock.events;

import dev.drydock.events.instance.InstanceGroupChanged;
import dev.drydock.events.registry.AttributesChanged;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.events.registry.ImageDeleted;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.registry.TagDeleted;
import dev.drydock.events.source.SourceCommitPushed;
import dev.drydock.events.task.TaskRunChanged;

import java.util.List;
import java.util.Optional;

/** Every event type of Drydock (ARCHITECTURE §3). Types are reverse-DNS and past tense. */
public final class EventTypes {

    public static final EventType<ImagePushed> IMAGE_PUSHED = new EventType<>(
            "dev.drydock.registry.image.pushed", Topics.REGISTRY_EVENTS, ImagePushed.class,
            e -> e.registry() + "/" + e.repository());

    public static final EventType<ImageDeleted> IMAGE_DELETED = new EventType<>(
            "dev.drydock.registry.image.deleted", Topics.REGISTRY_EVENTS, ImageDeleted.class,
            e -> e.registry() + "/" + e.repository());

    public static final EventType<TagDeleted> TAG_DELETED = new EventType<>(
            "dev.drydock.registry.tag.deleted", Topics.REGISTRY_EVENTS, TagDeleted.class,
            e -> e.registry() + "/" + e.repository());

    public static final EventType<AttributesChanged> ATTRIBUTES_CHANGED = new EventType<>(
            "dev.drydock.registry.attributes.changed", Topics.REGISTRY_EVENTS, AttributesChanged.class,
            e -> e.registry() + "/" + e.repository());

    public static final EventType<BaseImageUpdated> BASE_IMAGE_UPDATED = new EventType<>(
            "dev.drydock.registry.base-image.updated", Topics.REGISTRY_EVENTS, BaseImageUpdated.class,
            e -> e.registry() + "/" + e.base().repository());

    public static final EventType<SourceCommitPushed> SOURCE_COMMIT_PUSHED = new EventType<>(
            "dev.drydock.source.commit.pushed", Topics.SOURCE_EVENTS, SourceCommitPushed.class,
            SourceCommitPushed::repositoryUrl);

    public static final EventType<TaskRunChanged> TASK_RUN_CHANGED = new EventType<>(
            "dev.drydock.task.run.changed", Topics.TASK_EVENTS, TaskRunChanged.class,
            e -> e.registry() + "/" + e.runId());

    public static final EventType<InstanceGroupChanged> INSTANCE_GROUP_CHANGED = new EventType<>(
            "dev.drydock.instance.group.changed", Topics.INSTANCE_EVENTS, InstanceGroupChanged.class,
            InstanceGroupChanged::group);

    public static final List<EventType<?>> ALL = List.of(
            IMAGE_PUSHED, IMAGE_DELETED, TAG_DELETED, ATTRIBUTES_CHANGED, BASE_IMAGE_UPDATED, SOURCE_COMMIT_PUSHED,
            TASK_RUN_CHANGED, INSTANCE_GROUP_CHANGED);

    private EventTypes() {
    }

    public static Optional<EventType<?>> byType(String type) {
        return ALL.stream().filter(t -> t.type().equals(type)).findFirst();
    }
}
