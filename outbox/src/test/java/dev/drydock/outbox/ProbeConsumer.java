package dev.drydock.outbox;

import dev.drydock.events.MalformedEventException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** The kind of consumer every service writes: parse, park what is malformed, apply the effect once. */
@ApplicationScoped
public class ProbeConsumer {

    private static final Logger LOG = Logger.getLogger(ProbeConsumer.class);

    private final IdempotentConsumer idempotent;

    ProbeConsumer(IdempotentConsumer idempotent) {
        this.idempotent = idempotent;
    }

    @Incoming("probe")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event;
        Probe probe;
        try {
            event = ReceivedEvent.from(record);
            probe = event.payload(Probe.TYPE);
        } catch (MalformedEventException e) {
            LOG.warnf("parking malformed record: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return idempotent.applyOnce("probe-tally", event.id(), () -> Panache.getSession()
                .chain(s -> s.createNativeQuery("""
                        insert into probe_tally (name, applied) values (:name, 1)
                        on conflict (name) do update set applied = probe_tally.applied + 1""")
                        .setParameter("name", probe.name())
                        .executeUpdate())
                .replaceWithVoid())
                .replaceWithVoid();
    }
}
