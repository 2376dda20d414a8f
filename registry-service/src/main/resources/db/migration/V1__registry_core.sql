-- Registries are tenants; until tenancy arrives, every request goes to the one named 'default'.
create table registry (
    id         bigint generated always as identity primary key,
    name       text        not null unique,
    created_at timestamptz not null default now()
);
insert into registry (name) values ('default');

create table repository (
    id          bigint generated always as identity primary key,
    registry_id bigint      not null references registry (id) on delete cascade,
    name        text collate "C" not null,
    created_at  timestamptz not null default now(),
    unique (registry_id, name)
);

-- Blob bytes are stored once per digest; a repository sees a blob only through a link row.
create table blob (
    digest     text primary key,
    size       bigint      not null,
    created_at timestamptz not null default now()
);

create table repository_blob (
    repository_id bigint      not null references repository (id) on delete cascade,
    digest        text        not null references blob (digest),
    linked_at     timestamptz not null default now(),
    primary key (repository_id, digest)
);
create index repository_blob_digest on repository_blob (digest);

create table manifest (
    id                bigint generated always as identity primary key,
    repository_id     bigint      not null references repository (id) on delete cascade,
    digest            text        not null,
    media_type        text        not null,
    artifact_type     text,
    subject_digest    text,
    size              integer     not null,
    content           bytea       not null,
    annotations       text,
    created_at        timestamptz not null default now(),
    unique (repository_id, digest)
);
create index manifest_subject on manifest (repository_id, subject_digest) where subject_digest is not null;

-- What a manifest points at: its config and layers (blobs) and, for an index, its child manifests.
create table manifest_reference (
    manifest_id bigint not null references manifest (id) on delete cascade,
    kind        text   not null check (kind in ('config', 'layer', 'manifest')),
    digest      text   not null,
    primary key (manifest_id, kind, digest)
);
create index manifest_reference_digest on manifest_reference (digest);

create table tag (
    repository_id bigint      not null references repository (id) on delete cascade,
    name          text collate "C" not null,
    manifest_id   bigint      not null references manifest (id) on delete cascade,
    updated_at    timestamptz not null default now(),
    primary key (repository_id, name)
);
create index tag_manifest on tag (manifest_id);

-- Upload sessions survive a restart: the bytes are in uploads/<id>, the offset is here.
create table upload (
    id            uuid primary key,
    repository_id bigint      not null references repository (id) on delete cascade,
    size          bigint      not null default 0,
    started_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
