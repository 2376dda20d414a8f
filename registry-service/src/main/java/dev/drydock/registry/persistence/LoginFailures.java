package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * Counters of failed authentications (table login_failure), shared by every replica. A key is counted before its
 * password is checked, so a burst of concurrent guesses is refused as it arrives rather than after it was hashed.
 */
@ApplicationScoped
public class LoginFailures {

    /** One key to count, with the failures allowed before it is blocked. */
    public record Key(String key, int limit) {
    }

    private final Pool pool;

    LoginFailures(Pool pool) {
        this.pool = pool;
    }

    /**
     * Counts an attempt against every key unless one is blocked now (a count older than {@code window} starts again
     * at 1; a refused attempt counts nowhere, so it cannot prolong another key's block);
     * a key whose count reaches its limit is blocked for {@code firstBlock}, doubling with each further failure
     * up to {@code longestBlock}. The attempt itself may still go on.
     *
     * @return the seconds until the longest block of a key that was blocked already (so the attempt is refused
     *     uncounted there), or 0 when none was
     */
    public Uni<Long> count(List<Key> keys, Duration window, Duration firstBlock, Duration longestBlock) {
        return pool.preparedQuery("""
                        insert into login_failure as f (key, failures, last_failure, blocked_until)
                        select k.key, 1, now(), case when k.lim <= 1 then now() + $3::float8 * interval '1 second' end
                        from unnest($1::text[], $2::int[]) as k(key, lim)
                        where not exists (select 1 from login_failure b where b.key = any($1::text[])
                                          and b.blocked_until > now())
                        on conflict (key) do update set
                            failures = case when f.last_failure < now() - $5::float8 * interval '1 second' then 1
                                            else f.failures + 1 end,
                            last_failure = now(),
                            blocked_until = case
                                when f.last_failure >= now() - $5::float8 * interval '1 second'
                                     and f.failures + 1 >= (select lim from unnest($1::text[], $2::int[]) as l(key, lim)
                                                            where l.key = f.key)
                                then now() + least($4::float8, $3::float8 * power(2, f.failures + 1
                                     - (select lim from unnest($1::text[], $2::int[]) as l(key, lim)
                                        where l.key = f.key))) * interval '1 second'
                                end
                        where f.blocked_until is null or f.blocked_until <= now()
                        returning key""")
                .execute(Tuple.tuple().addArrayOfString(keys.stream().map(Key::key).toArray(String[]::new))
                        .addArrayOfInteger(keys.stream().map(Key::limit).toArray(Integer[]::new))
                        .addDouble((double) firstBlock.toSeconds()).addDouble((double) longestBlock.toSeconds())
                        .addDouble((double) window.toSeconds()))
                .chain(counted -> counted.rowCount() == keys.size() ? Uni.createFrom().item(0L)
                        : blockedFor(keys));
    }

    private Uni<Long> blockedFor(List<Key> keys) {
        return pool.preparedQuery("""
                        select coalesce(ceil(max(extract(epoch from blocked_until - now()))), 1)::bigint
                        from login_failure where key = any($1) and blocked_until > now()""")
                .execute(Tuple.tuple().addArrayOfString(keys.stream().map(Key::key).toArray(String[]::new)))
                .map(rows -> Math.max(1L, rows.iterator().next().getLong(0)));
    }

    /** Undoes a counted attempt that succeeded: {@code reset} keys start over, {@code uncount} keys lose one. */
    public Uni<Void> succeeded(List<String> reset, List<String> uncount) {
        return pool.preparedQuery("""
                        with gone as (delete from login_failure where key = any($1))
                        update login_failure set failures = greatest(failures - 1, 0) where key = any($2)""")
                .execute(Tuple.tuple().addArrayOfString(reset.toArray(String[]::new))
                        .addArrayOfString(uncount.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Removes counters nobody failed on for {@code window} and that block nothing. */
    public Uni<Integer> prune(Duration window) {
        return pool.preparedQuery("""
                        delete from login_failure where last_failure < now() - $1::float8 * interval '1 second'
                        and (blocked_until is null or blocked_until < now())""")
                .execute(Tuple.of((double) window.toSeconds())).map(r -> r.rowCount());
    }
}
