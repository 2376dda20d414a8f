package dev.drydock.instances.persistence;

import dev.drydock.events.EventTypes;
import dev.drydock.events.instance.InstanceGroupChanged;
import dev.drydock.outbox.OutboxWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Container groups as rows. Every deployment gets a new number, and the supervisor of a deployment writes its
 * instance view only while its number is the group's: a replaced or stopped deployment cannot overwrite its
 * successor. Changes of state write instance.group.changed into the outbox in the same transaction.
 */
@ApplicationScoped
public class Groups {

    /** A group as stored. */
    public record Group(String name, JsonObject document, String desired, String provisioningState, long deployment,
            boolean autoUpdate, JsonObject view, Instant createdAt, Instant updatedAt, Instant deployedAt) {
    }

    private static final String COLUMNS = "name, document, desired, provisioning_state, deployment, auto_update,"
            + " instance_view, created_at, updated_at, deployed_at";

    private final Pool pool;
    private final OutboxWriter outbox;

    Groups(Pool pool, OutboxWriter outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * Creates the group, or replaces its spec, as a new deployment that should run.
     *
     * @return the stored group and whether it existed before
     */
    public Uni<Group> put(String name, JsonObject document, boolean autoUpdate, List<String> images, JsonObject view,
            InstanceGroupChanged event) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into container_group (name, document, desired, provisioning_state, deployment,
                            auto_update, images, instance_view)
                        values ($1, $2, 'Running', 'Creating', nextval('deployment_sequence'), $3, $4, $5)
                        on conflict (name) do update set document = excluded.document, desired = 'Running',
                            provisioning_state = 'Creating', deployment = excluded.deployment,
                            deployed_at = now(), auto_update = excluded.auto_update, images = excluded.images,
                            instance_view = excluded.instance_view, updated_at = now()
                        returning""" + " " + COLUMNS)
                .execute(Tuple.of(name, document, autoUpdate, images.toArray(new String[0]), view))
                .onItem().transform(rows -> group(rows.iterator().next()))
                .call(group -> outbox.append(tx, EventTypes.INSTANCE_GROUP_CHANGED, event, name)));
    }

    /** A new deployment of a stored group (start, restart, auto-update, reconciliation), to run. */
    public Uni<Optional<Group>> redeploy(String name, JsonObject view, InstanceGroupChanged event) {
        return transition("""
                update container_group set desired = 'Running', provisioning_state = 'Creating',
                    deployment = nextval('deployment_sequence'), deployed_at = now(), instance_view = $2,
                    updated_at = now()
                where name = $1 returning""", name, view, event);
    }

    /** The group should not run; its deployment ends. */
    public Uni<Optional<Group>> stop(String name, JsonObject view, InstanceGroupChanged event) {
        return transition("""
                update container_group set desired = 'Stopped', provisioning_state = 'Succeeded',
                    deployment = nextval('deployment_sequence'), instance_view = $2, updated_at = now()
                where name = $1 returning""", name, view, event);
    }

    /** A change of the group's deployment with its event; empty when there is no such group. */
    private Uni<Optional<Group>> transition(String update, String name, JsonObject view, InstanceGroupChanged event) {
        return pool.withTransaction(tx -> tx.preparedQuery(update + " " + COLUMNS)
                .execute(Tuple.of(name, view))
                .onItem().transform(rows -> rows.rowCount() == 0 ? Optional.<Group>empty()
                        : Optional.of(group(rows.iterator().next())))
                .call(group -> group.isEmpty() ? Uni.createFrom().voidItem()
                        : outbox.append(tx, EventTypes.INSTANCE_GROUP_CHANGED, event, name)));
    }

    /**
     * A deployment's view of the group, written only while it is the group's current deployment.
     *
     * @param event written to the outbox when not null (a change of state, not just an event)
     * @return false when the deployment is no longer current
     */
    public Uni<Boolean> saveView(String name, long deployment, String provisioningState, JsonObject view,
            InstanceGroupChanged event) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update container_group set instance_view = $3, provisioning_state = $4, updated_at = now()
                        where name = $1 and deployment = $2""")
                .execute(Tuple.of(name, deployment, view, provisioningState))
                .flatMap(rows -> rows.rowCount() == 0 || event == null ? Uni.createFrom().item(rows.rowCount() > 0)
                        : outbox.append(tx, EventTypes.INSTANCE_GROUP_CHANGED, event, name).replaceWith(true)));
    }

    public Uni<Optional<Group>> find(String name) {
        return pool.preparedQuery("select " + COLUMNS + " from container_group where name = $1")
                .execute(Tuple.of(name))
                .onItem().transform(rows -> rows.rowCount() == 0 ? Optional.empty()
                        : Optional.of(group(rows.iterator().next())));
    }

    public Uni<List<Group>> list() {
        return pool.query("select " + COLUMNS + " from container_group order by name").execute()
                .onItem().transform(rows -> {
                    List<Group> groups = new ArrayList<>();
                    rows.forEach(row -> groups.add(group(row)));
                    return groups;
                });
    }

    /** Groups that follow {@code image} (as written in their spec) and should run. */
    public Uni<List<String>> following(List<String> images) {
        return pool.preparedQuery("""
                        select name from container_group
                        where auto_update and desired = 'Running' and images && $1 order by name""")
                .execute(Tuple.of(images.toArray(new String[0])))
                .onItem().transform(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(row -> names.add(row.getString("name")));
                    return names;
                });
    }

    /** @return false when there was no such group */
    public Uni<Boolean> delete(String name, InstanceGroupChanged event) {
        return pool.withTransaction(tx -> tx.preparedQuery("delete from container_group where name = $1")
                .execute(Tuple.of(name))
                .flatMap(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : outbox.append(tx, EventTypes.INSTANCE_GROUP_CHANGED, event, name).replaceWith(true)));
    }

    private static Group group(Row row) {
        return new Group(row.getString("name"), row.getJsonObject("document"), row.getString("desired"),
                row.getString("provisioning_state"), row.getLong("deployment"), row.getBoolean("auto_update"),
                row.getJsonObject("instance_view"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getOffsetDateTime("deployed_at").toInstant());
    }
}
