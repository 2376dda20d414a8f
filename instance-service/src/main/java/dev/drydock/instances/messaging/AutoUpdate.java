package dev.drydock.instances.messaging;

import dev.drydock.events.EventTypes;
import dev.drydock.events.MalformedEventException;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.instances.domain.InstanceView;
import dev.drydock.instances.persistence.Groups;
import dev.drydock.instances.service.GroupService;
import dev.drydock.instances.service.Node;
import dev.drydock.outbox.ReceivedEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Auto-update (beyond ACI): a group with {@code autoUpdate: true} follows the tags its containers name. When
 * registry-events says such a tag was pushed with a digest other than the one running, the group is deployed again
 * and its events say why. Comparing digests makes a redelivered event harmless.
 */
@ApplicationScoped
public class AutoUpdate {

    private static final Logger LOG = Logger.getLogger(AutoUpdate.class);

    private final Node node;
    private final Groups groups;
    private final GroupService service;

    AutoUpdate(Node node, Groups groups, GroupService service) {
        this.node = node;
        this.groups = groups;
        this.service = service;
    }

    @Incoming("registry-events")
    public Uni<Void> registryEvent(ConsumerRecord<String, byte[]> record) {
        ImagePushed pushed;
        try {
            ReceivedEvent event = ReceivedEvent.from(record);
            if (!event.is(EventTypes.IMAGE_PUSHED)) {
                return Uni.createFrom().voidItem();
            }
            pushed = event.payload(EventTypes.IMAGE_PUSHED);
        } catch (MalformedEventException e) {
            LOG.warnf("skipped an unreadable event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (pushed.tag() == null) {
            return Uni.createFrom().voidItem();
        }
        return pushed(pushed).onFailure().recoverWithItem(failure -> {
            LOG.warnf("auto-update for %s/%s:%s failed: %s", pushed.registry(), pushed.repository(), pushed.tag(),
                    failure.getMessage());
            return null;
        });
    }

    /** Redeploys the groups following the pushed tag whose containers run another digest. */
    public Uni<Void> pushed(ImagePushed pushed) {
        String reference = node.loginServer(pushed.registry()) + "/" + pushed.repository() + ":" + pushed.tag();
        List<String> names = new ArrayList<>(List.of(reference));
        if (pushed.tag().equals("latest")) {
            names.add(reference.substring(0, reference.length() - ":latest".length()));
        }
        return groups.following(names).onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(name -> service.find(name).flatMap(shown -> {
                    InstanceView view = InstanceView.fromJson(shown.row().view());
                    // a push from before this deployment (a replayed event) is what it deployed, or older
                    boolean current = pushed.pushedAt().isBefore(shown.row().deployedAt())
                            || shown.spec().containers().stream()
                            .filter(c -> names.contains(c.image()))
                            .allMatch(c -> pushed.digest().equals(view.imageDigest(c.name())));
                    if (current) {
                        return Uni.createFrom().voidItem();
                    }
                    LOG.infof("group %s follows %s, pushed as %s: deploying it again", name, reference,
                            pushed.digest());
                    return service.redeploy(name, "auto-update: " + reference + " was pushed as " + pushed.digest()
                            + "; the group is deployed again with it").replaceWithVoid();
                }))
                .collect().last().replaceWithVoid();
    }
}
