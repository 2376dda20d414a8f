-- The artifact cache (pull-through), ACR's model: credential sets hold the logins for upstream registries, cache
-- rules map a repository (or a prefix/*) of this registry onto an upstream one.

create table credential_set (
    id                   bigint generated always as identity primary key,
    registry_id          bigint      not null references registry (id) on delete cascade,
    name                 text        not null,
    login_server         text        not null,
    -- AES-256-GCM under the service's key file (SecretCipher), the set's identity authenticated with them
    username             bytea       not null,
    password             bytea       not null,
    health_status        text        not null default 'Healthy' check (health_status in ('Healthy', 'Unhealthy')),
    health_error_code    text,
    health_error_message text,
    created_at           timestamptz not null default now(),
    unique (registry_id, name)
);

create table cache_rule (
    id                bigint generated always as identity primary key,
    registry_id       bigint      not null references registry (id) on delete cascade,
    name              text        not null,
    -- host/path, or host/path/* (and host/* ) for a wildcard rule
    source_repository text        not null,
    -- path, or path/* (or * for the whole registry)
    target_repository text        not null,
    -- a set in use cannot be deleted (ACR's rule)
    credential_set_id bigint references credential_set (id),
    created_at        timestamptz not null default now(),
    unique (registry_id, name),
    unique (registry_id, target_repository)
);
create index cache_rule_credential_set on cache_rule (credential_set_id);
