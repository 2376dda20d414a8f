-- Runs gain their trigger, cancellation and results; saved tasks, run secrets and run logs.

alter table run add column trigger text not null default 'Manual';
alter table run add column platform text not null default 'linux/amd64';
-- set by cancel; the worker holding the run sees it and kills the step's processes
alter table run add column cancel_requested boolean not null default false;
alter table run add column source_commit text;
-- workers serve one agent pool; a run waits for a worker of its pool
alter table run add column agent_pool text not null default 'default';
create index run_status on run (registry, status, created_at desc);
-- replicas look for runs whose worker stopped touching them
create index run_active on run (updated_at) where status in ('Started', 'Running');

-- Secret values (secret build arguments, --set-secret values) live apart from the run's request and only while
-- the run can still use them.
create table run_secret (
    run   bigint not null references run (id) on delete cascade,
    name  text   not null,
    value text   not null,
    primary key (run, name)
);

-- A run's log in chunks as it happens; followers read by sequence.
create table run_log (
    run        bigint      not null references run (id) on delete cascade,
    seq        integer     not null,
    text       text        not null,
    created_at timestamptz not null default now(),
    primary key (run, seq)
);

create table task (
    id              bigint generated always as identity primary key,
    registry        text        not null,
    name            text        not null,
    status          text        not null default 'Enabled' check (status in ('Enabled', 'Disabled')),
    platform        text        not null default 'linux/amd64',
    timeout_seconds integer     not null default 3600 check (timeout_seconds between 300 and 28800),
    cpu             integer     not null default 2 check (cpu between 1 and 64),
    -- the step as the API shows it: secrets are kept in secrets and shown as names only
    step            jsonb       not null,
    secrets         jsonb       not null default '{}',
    agent_pool      text        not null default 'default',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index task_name on task (registry, lower(name));
