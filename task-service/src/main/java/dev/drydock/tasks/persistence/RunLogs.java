package dev.drydock.tasks.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's log as numbered chunks in PostgreSQL: every replica can serve and follow any run's log, and the log
 * outlives the worker that wrote it.
 */
@ApplicationScoped
public class RunLogs {

    public record Chunk(int seq, String text) {
    }

    private final Pool pool;

    RunLogs(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> append(long run, int seq, String text) {
        return pool.preparedQuery("insert into run_log (run, seq, text) values ($1, $2, $3)")
                .execute(Tuple.of(run, seq, text)).replaceWithVoid();
    }

    /** Deletes the logs of runs that finished more than {@code age} ago. @return chunks deleted */
    public Uni<Integer> deleteFinishedBefore(Duration age) {
        return pool.preparedQuery("""
                        delete from run_log where run in (select id from run
                            where finished_at < now() - make_interval(secs => $1))""")
                .execute(Tuple.of((double) age.toSeconds())).map(result -> result.rowCount());
    }

    /** The chunks after {@code afterSeq}, in order, at most {@code limit}. */
    public Uni<List<Chunk>> read(long run, int afterSeq, int limit) {
        return pool.preparedQuery("select seq, text from run_log where run = $1 and seq > $2 order by seq limit $3")
                .execute(Tuple.of(run, afterSeq, limit))
                .map(rows -> {
                    List<Chunk> chunks = new ArrayList<>();
                    rows.forEach(row -> chunks.add(new Chunk(row.getInteger(0), row.getString(1))));
                    return chunks;
                });
    }
}
