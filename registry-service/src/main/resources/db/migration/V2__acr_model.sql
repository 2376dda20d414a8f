-- ACR's model: registries with SKUs and policies, changeable attributes (locks) on repositories, tags and
-- manifests, list-metadata columns, base-image lineage, retention bookkeeping, webhooks.

alter table registry
    add column sku                   text        not null default 'Standard'
        check (sku in ('Basic', 'Standard', 'Premium')),
    add column updated_at            timestamptz not null default now(),
    add column retention_enabled     boolean     not null default false,
    add column retention_days        integer     not null default 7 check (retention_days between 0 and 365),
    add column retention_enabled_at  timestamptz;
-- the default registry serves every host that names no registry; it gets every feature
update registry set sku = 'Premium' where name = 'default';
-- login servers are lowercase, so two names differing only in case would share one
create unique index registry_name_ci on registry (lower(name));

alter table repository
    add column updated_at     timestamptz not null default now(),
    add column delete_enabled boolean     not null default true,
    add column write_enabled  boolean     not null default true,
    add column list_enabled   boolean     not null default true,
    add column read_enabled   boolean     not null default true;

alter table manifest
    add column updated_at        timestamptz not null default now(),
    add column delete_enabled    boolean     not null default true,
    add column write_enabled     boolean     not null default true,
    add column list_enabled      boolean     not null default true,
    add column read_enabled      boolean     not null default true,
    add column architecture      text,
    add column os                text,
    add column config_media_type text,
    -- manifest bytes plus every blob it references
    add column image_size        bigint      not null default 0,
    -- org.opencontainers.image.base.name/.digest, and the registry/repository/tag the name resolves to here
    add column base_name         text,
    add column base_digest       text,
    add column base_registry_id  bigint references registry (id) on delete set null,
    add column base_repository   text collate "C",
    add column base_tag          text collate "C",
    -- when the manifest lost its last tag (retention counts from here); null while tagged or never tagged
    add column untagged_at       timestamptz;
create index manifest_base on manifest (base_registry_id, base_repository, base_tag) where base_repository is not null;
create index manifest_untagged on manifest (untagged_at) where untagged_at is not null;
create index manifest_digest on manifest (digest);

alter table tag
    add column created_at     timestamptz not null default now(),
    add column delete_enabled boolean     not null default true,
    add column write_enabled  boolean     not null default true,
    add column list_enabled   boolean     not null default true,
    add column read_enabled   boolean     not null default true;

-- A manifest's lastUpdateTime and untagged_at follow its tags whichever statement moves them.
create function manifest_follows_tags() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        update manifest set untagged_at = null, updated_at = now() where id = new.manifest_id;
    end if;
    if tg_op in ('DELETE', 'UPDATE') and (tg_op = 'DELETE' or old.manifest_id <> new.manifest_id) then
        update manifest m set untagged_at = now(), updated_at = now()
         where m.id = old.manifest_id
           and not exists (select 1 from tag t where t.manifest_id = m.id);
    end if;
    return null;
end $$;
create trigger tag_moves after insert or update of manifest_id or delete on tag
    for each row execute function manifest_follows_tags();

-- Links age from their last use, so a blob re-pushed after a manifest delete gets a fresh grace period.
create index repository_blob_linked on repository_blob (linked_at);
create index blob_created on blob (created_at);

create table webhook (
    id          bigint generated always as identity primary key,
    registry_id bigint      not null references registry (id) on delete cascade,
    name        text        not null,
    uri         text        not null,
    actions     text[]      not null,
    scope       text        not null default '',
    -- custom headers sent with every delivery (Authorization among them); never returned except by get-config
    headers     jsonb       not null default '{}',
    -- the HMAC-SHA256 key of the X-Drydock-Signature header; null when the webhook is unsigned
    secret      text,
    status      text        not null default 'enabled' check (status in ('enabled', 'disabled')),
    created_at  timestamptz not null default now(),
    unique (registry_id, name)
);

-- One row per (webhook, event): the request to send, the attempts made and the last response.
create table webhook_delivery (
    id              uuid primary key,
    webhook_id      bigint      not null references webhook (id) on delete cascade,
    action          text        not null,
    payload         text        not null,
    state           text        not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    created_at      timestamptz not null default now(),
    request_headers jsonb,
    response_status integer,
    response_reason text,
    response_headers jsonb,
    response_body   text,
    error           text
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where state = 'pending';
create index webhook_delivery_log on webhook_delivery (webhook_id, created_at desc);
