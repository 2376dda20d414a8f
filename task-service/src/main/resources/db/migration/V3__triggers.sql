-- Triggers: base-image updates, source commits and timers start runs of saved tasks.

alter table task add column base_image_trigger_enabled boolean not null default true;
alter table task add column base_image_trigger_type text not null default 'Runtime'
    check (base_image_trigger_type in ('Runtime', 'All'));
alter table task add column source_trigger_enabled boolean not null default true;
-- [{name, schedule, status}], 5-field cron in UTC
alter table task add column timers jsonb not null default '[]';

-- what started a run beyond its trigger name: imageUpdateTrigger, sourceTrigger or timerTrigger as ACR shows them
alter table run add column trigger_info jsonb;

-- one row per timer occurrence: whichever replica inserts it first runs the task, the others find the row
create table timer_fire (
    task         bigint      not null references task (id) on delete cascade,
    timer        text        not null,
    scheduled_at timestamptz not null,
    primary key (task, timer, scheduled_at)
);

-- events that could not be read (malformed, unknown type, missing fields): kept for an operator, never retried
create table parked_event (
    id          bigint generated always as identity primary key,
    topic       text        not null,
    partition   integer     not null,
    "offset"    bigint      not null,
    event_type  text,
    reason      text        not null,
    payload     text,
    parked_at   timestamptz not null default now()
);
