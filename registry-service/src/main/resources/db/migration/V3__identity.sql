-- Identity and access: token signing keys, the admin user, anonymous pull, scope maps and repository tokens.

-- RS256 keys for access and refresh tokens. The newest active key signs; every key kept verifies, so a rotation
-- never breaks live tokens.
create table signing_key (
    kid         text primary key,
    private_key bytea       not null,
    public_key  bytea       not null,
    created_at  timestamptz not null default now(),
    retired_at  timestamptz
);

alter table registry
    add column admin_enabled          boolean not null default false,
    -- the admin user's two passwords, hashed (pbkdf2-sha256); null until generated
    add column admin_password1        text,
    add column admin_password2        text,
    add column anonymous_pull_enabled boolean not null default false;

create table scope_map (
    id          bigint generated always as identity primary key,
    registry_id bigint      not null references registry (id) on delete cascade,
    name        text        not null,
    description text,
    -- {"repository pattern": ["content/read", ...]}
    rules       jsonb       not null,
    created_at  timestamptz not null default now(),
    unique (registry_id, name)
);

create table repository_token (
    id                bigint generated always as identity primary key,
    registry_id       bigint      not null references registry (id) on delete cascade,
    name              text        not null,
    -- a scope map of the registry, or a system one (_repositories_admin, _repositories_pull, _repositories_push)
    scope_map         text        not null,
    status            text        not null default 'enabled' check (status in ('enabled', 'disabled')),
    password1         text,
    password1_expiry  timestamptz,
    password2         text,
    password2_expiry  timestamptz,
    created_at        timestamptz not null default now(),
    unique (registry_id, name)
);
