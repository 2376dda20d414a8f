package dev.drydock.tasks.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Events that could not be read, kept with the reason for an operator; the consumer moves on. */
@ApplicationScoped
public class ParkedEvents {

    private final Pool pool;

    ParkedEvents(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> park(String topic, int partition, long offset, String type, String reason, String payload) {
        return pool.preparedQuery("""
                        insert into parked_event (topic, partition, "offset", event_type, reason, payload)
                        values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.tuple().addString(topic).addInteger(partition).addLong(offset).addString(type)
                        .addString(reason).addString(payload))
                .replaceWithVoid();
    }

    public Uni<Long> count(String topic) {
        return pool.preparedQuery("select count(*) from parked_event where topic = $1").execute(Tuple.of(topic))
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
