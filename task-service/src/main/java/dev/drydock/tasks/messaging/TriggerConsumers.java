package dev.drydock.tasks.messaging;

import dev.drydock.events.EventTypes;
import dev.drydock.tasks.service.Triggers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The triggers' Kafka side: registry-events (base-image.updated and image.pushed; image.deleted is not for tasks)
 * and source-events (source.commit.pushed from outside producers; anything else there is parked).
 */
@ApplicationScoped
public class TriggerConsumers {

    private final EventIntake intake;
    private final Triggers triggers;

    TriggerConsumers(EventIntake intake, Triggers triggers) {
        this.intake = intake;
        this.triggers = triggers;
    }

    @Incoming("registry-events")
    public Uni<Void> registryEvent(ConsumerRecord<String, byte[]> record) {
        String type = EventIntake.type(record);
        if (EventTypes.BASE_IMAGE_UPDATED.type().equals(type)) {
            return intake.accept(record, EventTypes.BASE_IMAGE_UPDATED,
                    event -> triggers.baseImageUpdated(event.id(), event.time(), event.payload()));
        }
        if (EventTypes.IMAGE_PUSHED.type().equals(type)) {
            return intake.accept(record, EventTypes.IMAGE_PUSHED,
                    event -> triggers.imagePushed(event.id(), event.time(), event.payload()));
        }
        return Uni.createFrom().voidItem();
    }

    @Incoming("source-events")
    public Uni<Void> sourceEvent(ConsumerRecord<String, byte[]> record) {
        if (!EventTypes.SOURCE_COMMIT_PUSHED.type().equals(EventIntake.type(record))) {
            return intake.unknown(record);
        }
        return intake.accept(record, EventTypes.SOURCE_COMMIT_PUSHED,
                event -> triggers.commitPushed(event.id(), event.time(), event.payload()));
    }
}
