-- A base image's move to a digest triggers a task once, whichever event (image.pushed, base-image.updated) reports
-- it first and however often it is delivered.
create table base_image_change (
    task       bigint not null references task (id) on delete cascade,
    image      text   not null,
    digest     text   not null,
    primary key (task, image, digest)
);
