-- Tokens name the credential they were derived from by identity (registry id, token id) and by the generation of
-- the password that was presented: regenerating, deleting or disabling bumps it, and every token carrying the old
-- generation stops working (issue 16).
alter table registry
    add column admin_password1_generation integer not null default 0,
    add column admin_password2_generation integer not null default 0;
alter table repository_token
    add column password1_generation integer not null default 0,
    add column password2_generation integer not null default 0;

-- Failed authentications per source address and per user name, shared by every replica: after a few, the caller
-- is refused before any password hash is computed.
create table login_failure (
    key           text        primary key,
    failures      integer     not null,
    last_failure  timestamptz not null,
    blocked_until timestamptz
);
