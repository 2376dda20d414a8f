-- Geo-replication (docs/decisions/0015): a Premium registry replicated to other sites, content copied there by each
-- site's replicator from the events Kafka's MirrorMaker 2 brings over.

-- The site a replica's configuration comes from; null where this site is the registry's home.
alter table registry add column home_site text;

-- Last writer wins per tag: a replicated move applies only if (updated_at, changed_site) is newer than the tag's.
-- '' is a change made before sites were configured, older than any site's change at the same instant.
alter table tag add column changed_site text not null default '';

-- The locations a registry is replicated to. On the home site these are what the API created; a replica holds the
-- same rows, copied with its configuration.
create table replication (
    registry_id             bigint      not null references registry (id) on delete cascade,
    location                text        not null,
    region_endpoint_enabled boolean     not null default true,
    provisioning_state      text        not null default 'Creating'
        check (provisioning_state in ('Creating', 'Updating', 'Deleting', 'Succeeded', 'Failed')),
    status                  text        not null default 'unknown',
    status_message          text,
    -- what the peer last acknowledged of the registry's configuration (a hash), so an unchanged one is not resent
    configuration           text,
    status_at               timestamptz,
    created_at              timestamptz not null default now(),
    primary key (registry_id, location)
);

-- Changes to copy from a peer, one row per event: applied in order per repository, retried with back-off. A push
-- or a deletion names a manifest; an untag a tag (and the manifest it pointed at); a lock change a repository, a
-- tag or a manifest, with the locks afterwards.
create table replication_task (
    id          bigint generated always as identity primary key,
    peer        text        not null,
    event_id    text        not null,
    registry    text        not null,
    repository  text        not null,
    kind        text        not null check (kind in ('push', 'delete', 'untag', 'lock')),
    digest      text,
    tag         text,
    -- a lock change: {"deleteEnabled": …, "writeEnabled": …, "listEnabled": …, "readEnabled": …}
    attributes  jsonb,
    -- the source's commit time of the change and the site a client made it on: the last-writer-wins clock
    changed_at  timestamptz not null,
    origin_site text        not null,
    received_at timestamptz not null default now(),
    attempts    integer     not null default 0,
    due_at      timestamptz not null default now(),
    last_error  text,
    unique (peer, event_id)
);
create index replication_task_order on replication_task (registry, repository, id);
create index replication_task_due on replication_task (due_at);

-- What was applied last per peer and repository, for replication status and lag.
create table replication_applied (
    peer        text        not null,
    registry    text        not null,
    repository  text        not null,
    applied     bigint      not null default 0,
    last_at     timestamptz not null,
    last_lag_ms bigint      not null,
    primary key (peer, registry, repository)
);
