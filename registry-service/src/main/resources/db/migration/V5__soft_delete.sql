-- Soft delete (ACR's soft-delete policy): deleted manifests and tags are kept for the registry's days, out of every
-- live table, so that no listing, pull or referrers query can see them, and restorable from there.
alter table registry
    add column soft_delete_enabled boolean     not null default false,
    add column soft_delete_days    integer     not null default 7 check (soft_delete_days between 1 and 90),
    add column soft_delete_updated timestamptz;

-- A repository deleted as a whole while soft delete was on: restorable as a whole until its manifests expire.
alter table repository add column deleted_at timestamptz;

create table deleted_manifest (
    id                bigint generated always as identity primary key,
    repository_id     bigint      not null references repository (id) on delete cascade,
    digest            text        not null,
    media_type        text        not null,
    artifact_type     text,
    subject_digest    text,
    size              integer     not null,
    content           bytea       not null,
    annotations       text,
    architecture      text,
    os                text,
    config_media_type text,
    image_size        bigint      not null,
    base_name         text,
    base_digest       text,
    base_registry_id  bigint references registry (id) on delete set null,
    base_repository   text collate "C",
    base_tag          text collate "C",
    -- what it referenced (kind and digest, as manifest_reference held them): its blobs stay linked meanwhile
    ref_kinds         text[]      not null,
    ref_digests       text[]      not null,
    created_at        timestamptz not null,
    deleted_at        timestamptz not null default now(),
    unique (repository_id, digest)
);
create index deleted_manifest_deleted on deleted_manifest (deleted_at);
create index deleted_manifest_refs on deleted_manifest using gin (ref_digests);

create table deleted_tag (
    id            bigint generated always as identity primary key,
    repository_id bigint      not null references repository (id) on delete cascade,
    name          text collate "C" not null,
    digest        text        not null,
    deleted_at    timestamptz not null default now()
);
create index deleted_tag_name on deleted_tag (repository_id, name, deleted_at);
create index deleted_tag_deleted on deleted_tag (deleted_at);
