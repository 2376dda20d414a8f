-- Runs: a persisted state machine that workers claim with FOR UPDATE SKIP LOCKED.

-- Run ids count per registry (ca1, ca2 ...), as ACR's do.
create table run_sequence (
    registry text   primary key,
    last     bigint not null
);

create table run (
    id              bigint generated always as identity primary key,
    registry        text        not null,
    run_id          text        not null,
    task            text,
    run_type        text        not null check (run_type in ('QuickBuild', 'QuickRun', 'AutoBuild', 'AutoRun')),
    status          text        not null default 'Queued'
        check (status in ('Queued', 'Started', 'Running', 'Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout')),
    -- what to run: the build or step definition, with secrets kept out (they live in a separate store)
    request         jsonb       not null,
    timeout_seconds integer     not null check (timeout_seconds between 300 and 28800),
    -- the worker that claimed the run (service instance id); cancel and recovery look at it
    claimed_by      text,
    error           text,
    output_images   jsonb       not null default '[]',
    dependencies    jsonb       not null default '[]',
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz not null default now(),
    unique (registry, run_id)
);
create index run_queued on run (created_at) where status = 'Queued';
create index run_task on run (registry, task, created_at desc);
