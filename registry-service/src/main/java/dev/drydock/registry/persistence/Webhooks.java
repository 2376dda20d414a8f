package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.Webhook;
import dev.drydock.registry.domain.WebhookDelivery;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Webhooks and their deliveries: an outbox of HTTP requests, written in the transaction of the change. */
@ApplicationScoped
public class Webhooks {

    private static final String COLUMNS =
            "id, registry_id, name, uri, actions, scope, headers, secret, status, created_at";

    /** A delivery due now, with what is needed to send it. */
    public record Due(UUID id, Webhook webhook, String action, String payload, int attempts) {
    }

    private final Pool pool;

    Webhooks(Pool pool) {
        this.pool = pool;
    }

    /** Creates the webhook; null when the registry has one of that name. */
    public Uni<Webhook> create(Webhook w) {
        return pool.preparedQuery("""
                insert into webhook (registry_id, name, uri, actions, scope, headers, secret, status)
                values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning""" + " " + COLUMNS)
                .execute(settings(Tuple.tuple().addLong(w.registryId()).addString(w.name()), w))
                .map(Webhooks::first);
    }

    public Uni<Webhook> update(Webhook w) {
        return pool.preparedQuery("""
                update webhook set uri = $2, actions = $3, scope = $4, headers = $5, secret = $6, status = $7
                where id = $1 returning""" + " " + COLUMNS)
                .execute(settings(Tuple.tuple().addLong(w.id()), w))
                .map(Webhooks::first);
    }

    /** Appends what create and update both write: uri, actions, scope, headers, secret, status. */
    private static Tuple settings(Tuple tuple, Webhook w) {
        return tuple.addString(w.uri()).addArrayOfString(w.actions().toArray(String[]::new)).addString(w.scope())
                .addValue(new JsonObject(Map.copyOf(w.headers()))).addString(w.secret())
                .addString(w.enabled() ? "enabled" : "disabled");
    }

    public Uni<Webhook> find(long registryId, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name)).map(Webhooks::first);
    }

    public Uni<List<Webhook>> list(SqlClient client, long registryId) {
        return client.preparedQuery("select " + COLUMNS + " from webhook where registry_id = $1 order by name")
                .execute(Tuple.of(registryId)).map(Webhooks::all);
    }

    public Uni<List<Webhook>> list(long registryId) {
        return list(pool, registryId);
    }

    public Uni<Boolean> delete(long id) {
        return pool.preparedQuery("delete from webhook where id = $1").execute(Tuple.of(id))
                .map(result -> result.rowCount() == 1);
    }

    public Uni<Void> enqueue(SqlClient client, long webhookId, UUID deliveryId, String action, String payload) {
        return client.preparedQuery("""
                insert into webhook_delivery (id, webhook_id, action, payload) values ($1, $2, $3, $4)""")
                .execute(Tuple.of(deliveryId, webhookId, action, payload)).replaceWithVoid();
    }

    /**
     * Takes up to {@code limit} due deliveries for {@code lease}: their next attempt moves past it, so another
     * replica (or this one, should the send never be recorded) tries them only once the lease has run out.
     */
    public Uni<List<Due>> lease(SqlClient tx, int limit, Duration lease) {
        return tx.preparedQuery("""
                with due as (select id from webhook_delivery where state = 'pending' and next_attempt_at <= now()
                             order by next_attempt_at limit $1 for update skip locked),
                     leased as (update webhook_delivery d set next_attempt_at = now() + make_interval(secs => $2)
                                from due where d.id = due.id returning d.*)
                select d.id, d.action, d.payload, d.attempts,
                       w.id, w.registry_id, w.name, w.uri, w.actions, w.scope, w.headers, w.secret, w.status, w.created_at
                from leased d join webhook w on w.id = d.webhook_id""")
                .execute(Tuple.of(limit, lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new Due(row.getUUID(0), webhook(row, 4), row.getString(1), row.getString(2),
                                row.getInteger(3)));
                    }
                    return due;
                });
    }

    /** Records an attempt: delivered, failed for good, or pending again after {@code retryIn}. */
    public Uni<Void> recordAttempt(SqlClient tx, UUID id, String state, Duration retryIn,
            Map<String, String> requestHeaders, Integer status, String reason, Map<String, String> responseHeaders,
            String body, String error) {
        return tx.preparedQuery("""
                update webhook_delivery set state = $2, attempts = attempts + 1,
                       next_attempt_at = now() + make_interval(secs => $3), request_headers = $4,
                       response_status = $5, response_reason = $6, response_headers = $7, response_body = $8,
                       error = $9
                where id = $1""")
                .execute(Tuple.tuple().addUUID(id).addString(state).addDouble(retryIn.toMillis() / 1000.0)
                        .addValue(new JsonObject(Map.copyOf(requestHeaders))).addInteger(status)
                        .addString(reason)
                        .addValue(responseHeaders == null ? null : new JsonObject(Map.copyOf(responseHeaders)))
                        .addString(body).addString(error))
                .replaceWithVoid();
    }

    /** The newest deliveries first. */
    public Uni<List<WebhookDelivery>> deliveries(long webhookId, int limit) {
        return pool.preparedQuery("""
                select id, action, payload, state, attempts, created_at, request_headers, response_status,
                       response_reason, response_headers, response_body, error
                from webhook_delivery where webhook_id = $1 order by created_at desc, id limit $2""")
                .execute(Tuple.of(webhookId, limit))
                .map(rows -> {
                    List<WebhookDelivery> log = new ArrayList<>();
                    for (Row row : rows) {
                        log.add(new WebhookDelivery(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3),
                                row.getInteger(4), row.getOffsetDateTime(5).toInstant(), strings(row, 6),
                                row.getInteger(7), row.getString(8), strings(row, 9), row.getString(10),
                                row.getString(11)));
                    }
                    return log;
                });
    }

    private static Map<String, String> strings(Row row, int column) {
        Object value = row.getValue(column);
        if (!(value instanceof JsonObject json)) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
        return map;
    }

    private static Webhook first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : webhook(rows.iterator().next(), 0);
    }

    private static List<Webhook> all(RowSet<Row> rows) {
        List<Webhook> all = new ArrayList<>();
        rows.forEach(row -> all.add(webhook(row, 0)));
        return all;
    }

    private static Webhook webhook(Row row, int c) {
        return new Webhook(row.getLong(c), row.getLong(c + 1), row.getString(c + 2), row.getString(c + 3),
                new LinkedHashSet<>(List.of(row.getArrayOfStrings(c + 4))), row.getString(c + 5),
                strings(row, c + 6), row.getString(c + 7), "enabled".equals(row.getString(c + 8)),
                row.getOffsetDateTime(c + 9).toInstant());
    }
}
