create table probe_tally (
    name    text primary key,
    applied int not null
);
