-- Container groups: the spec as submitted (canonical ACI JSON, secure values included so a restarted service can
-- run the group again), what the user wants (Running or Stopped) and what the group does (ACI's instance view).
create sequence deployment_sequence;

create table container_group (
    name               text primary key,
    document           jsonb not null,
    desired            text not null check (desired in ('Running', 'Stopped')),
    provisioning_state text not null,
    -- a new number for every deployment of the group; a late write of an older deployment changes nothing
    deployment         bigint not null,
    deployed_at        timestamptz not null default now(),
    auto_update        boolean not null,
    -- the containers' images as written, for auto-update's lookup by pushed reference
    images             text[] not null,
    instance_view      jsonb not null,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

create index container_group_images on container_group using gin (images) where auto_update;
