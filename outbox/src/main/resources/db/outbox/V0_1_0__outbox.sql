-- Shared by every service (ship in drydock-outbox). Shared migrations use versions 0.x so that they order before a
-- service's own V1...; services run Flyway with out-of-order enabled so a later 0.x still applies.

create table outbox_event (
    id          bigint generated always as identity primary key,
    event_id    uuid        not null unique,
    type        text        not null,
    topic       text        not null,
    event_key   text        not null,
    source      text        not null,
    subject     text,
    payload     text        not null,
    created_at  timestamptz not null,
    sent_at     timestamptz
);

-- the relay only ever looks for unsent rows, oldest first
create index outbox_event_unsent on outbox_event (id) where sent_at is null;
create index outbox_event_sent_at on outbox_event (sent_at) where sent_at is not null;

create table processed_event (
    consumer     text        not null,
    event_id     text        not null,
    processed_at timestamptz not null,
    primary key (consumer, event_id)
);

create index processed_event_processed_at on processed_event (processed_at);
