package dev.drydock.registry.service;

import dev.drydock.events.EventTypes;
import dev.drydock.events.MalformedEventException;
import dev.drydock.events.Topics;
import dev.drydock.events.registry.AttributesChanged;
import dev.drydock.events.registry.ImageDeleted;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.registry.TagDeleted;
import dev.drydock.outbox.ReceivedEvent;
import dev.drydock.registry.domain.ChangeableAttributes;
import dev.drydock.registry.domain.ReplicationTask;
import dev.drydock.registry.domain.SiteChange;
import dev.drydock.registry.persistence.Replications;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the peers' registry events, which MirrorMaker 2 brings into this site's Kafka as
 * {@code <peer>.registry-events}, and queues each push, deletion, untag and lock change a client made on that peer
 * in a registry both sites hold. Events about content a peer copied itself name another site and are skipped, so
 * nothing replicates twice or loops. Offsets are committed after the batch is queued: a crash re-reads, and the
 * queue's (peer, event id) key drops the duplicates.
 */
@ApplicationScoped
public class ReplicationIntake {

    private static final Logger LOG = Logger.getLogger(ReplicationIntake.class);
    static final String GROUP = "registry-service-replicator";

    private final Sites sites;
    private final Replications replications;
    private final Replicator replicator;
    private final Map<String, Object> kafka;
    /** Peers whose mirrored events were gone before they were read: only a full sync recovers what they said. */
    private final Set<String> gaps = ConcurrentHashMap.newKeySet();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    ReplicationIntake(Sites sites, Replications replications, Replicator replicator,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.sites = sites;
        this.replications = replications;
        this.replicator = replicator;
        this.kafka = kafka;
    }

    void onStart(@Observes StartupEvent event) {
        if (sites.peers().isEmpty()) {
            return;
        }
        List<String> topics = sites.peers().keySet().stream().map(ReplicationIntake::topic).toList();
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // no silent jump: a committed offset that retention removed is a gap to report (see poll)
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // the site's operator creates the mirrored topics (the devstack does); this principal may not
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        consumer = new KafkaConsumer<>(settings);
        consumer.subscribe(topics);
        running = true;
        thread = new Thread(this::run, "replication-intake");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("replication: site %s reads %s", sites.self().orElse("?"), topics);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The peers whose events were lost to retention before this site read them (status "needs sync"). */
    public Set<String> gaps() {
        return Set.copyOf(gaps);
    }

    /** A peer whose content this site may lack until a full sync (a first copy that failed). */
    public void needsSync(String peer) {
        gaps.add(peer);
    }

    public void synced(String peer) {
        gaps.remove(peer);
    }

    static String topic(String peer) {
        return peer + "." + Topics.REGISTRY_EVENTS;
    }

    private void run() {
        Duration pause = Duration.ofSeconds(1);
        while (running) {
            try {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofSeconds(1));
                if (records.isEmpty()) {
                    continue;
                }
                int queued = 0;
                for (ConsumerRecord<String, byte[]> record : records) {
                    queued += queue(record) ? 1 : 0;
                }
                consumer.commitSync(Duration.ofSeconds(10));
                pause = Duration.ofSeconds(1);
                if (queued > 0) {
                    replicator.wake();
                }
            } catch (InvalidOffsetException e) {
                // a partition never read starts at the beginning; one whose offset retention removed is a gap
                for (TopicPartition partition : e.partitions()) {
                    boolean read = consumer.committed(Set.of(partition)).get(partition) != null;
                    if (read) {
                        String peer = partition.topic().substring(0, partition.topic().indexOf('.'));
                        gaps.add(peer);
                        LOG.errorf("replication: events of %s were removed by retention before this site read them; "
                                + "run `drydock replication sync` for the registries replicated with %s", peer, peer);
                    }
                    consumer.seekToBeginning(Set.of(partition));
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                // the database or the broker is away: read the batch again after a pause (queueing is idempotent)
                LOG.warnf("replication: events could not be queued (again in %d s): %s", pause.toSeconds(),
                        e.getMessage());
                rewind();
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : pause.multipliedBy(2);
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /** Back to the last committed offsets, so an uncommitted batch is read again. */
    private void rewind() {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            consumer.committed(assigned).forEach((partition, offset) -> {
                if (offset != null) {
                    consumer.seek(partition, offset);
                } else {
                    consumer.seekToBeginning(Set.of(partition));
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("replication: rewind failed: %s", e.getMessage());
        }
    }

    /** @return whether a task was queued for the record */
    private boolean queue(ConsumerRecord<String, byte[]> record) {
        String peer = record.topic().substring(0, record.topic().indexOf('.'));
        ReceivedEvent event;
        try {
            event = ReceivedEvent.from(record);
        } catch (MalformedEventException e) {
            LOG.warnf("replication: skipped %s@%d of %s: %s", record.topic(), record.offset(), peer, e.getMessage());
            return false;
        }
        ReplicationTask task;
        try {
            task = task(peer, event);
        } catch (MalformedEventException e) {
            LOG.warnf("replication: skipped event %s of %s: %s", event.id(), peer, e.getMessage());
            return false;
        }
        if (task == null) {
            return false;
        }
        Uni<Boolean> queued = replications.copiesFrom(task.registry(), sites.self().orElseThrow(), peer)
                .chain(replicated -> replicated ? replications.enqueue(task) : Uni.createFrom().item(false));
        return queued.await().atMost(Duration.ofSeconds(30));
    }

    /**
     * The change a peer's event asks this site to make, or null: only changes a client made on that peer (its own
     * site in the event), so content the peer copied from elsewhere is never copied again.
     */
    static ReplicationTask task(String peer, ReceivedEvent event) {
        if (event.is(EventTypes.IMAGE_PUSHED)) {
            ImagePushed e = event.payload(EventTypes.IMAGE_PUSHED);
            return !peer.equals(e.site()) ? null : ReplicationTask.of(peer, event.id(), e.registry(), e.repository(),
                    ReplicationTask.Kind.PUSH, e.digest(), e.tag(), null, new SiteChange(e.pushedAt(), peer));
        }
        if (event.is(EventTypes.IMAGE_DELETED)) {
            ImageDeleted e = event.payload(EventTypes.IMAGE_DELETED);
            return !peer.equals(e.site()) || e.deletedAt() == null ? null : ReplicationTask.of(peer, event.id(),
                    e.registry(), e.repository(), ReplicationTask.Kind.DELETE, e.digest(), null, null,
                    new SiteChange(e.deletedAt(), peer));
        }
        if (event.is(EventTypes.TAG_DELETED)) {
            TagDeleted e = event.payload(EventTypes.TAG_DELETED);
            return !peer.equals(e.site()) || e.deletedAt() == null ? null : ReplicationTask.of(peer, event.id(),
                    e.registry(), e.repository(), ReplicationTask.Kind.UNTAG, e.digest(), e.tag(), null,
                    new SiteChange(e.deletedAt(), peer));
        }
        if (event.is(EventTypes.ATTRIBUTES_CHANGED)) {
            AttributesChanged e = event.payload(EventTypes.ATTRIBUTES_CHANGED);
            return !peer.equals(e.site()) || e.changedAt() == null ? null : ReplicationTask.of(peer, event.id(),
                    e.registry(), e.repository(), ReplicationTask.Kind.LOCK, e.digest(), e.tag(),
                    new ChangeableAttributes(e.deleteEnabled(), e.writeEnabled(), e.listEnabled(), e.readEnabled()),
                    new SiteChange(e.changedAt(), peer));
        }
        return null;
    }
}
