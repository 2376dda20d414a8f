-- One PostgreSQL server, one database per service (no service reads another's tables).
create database registry;
create database tasks;
create database instances;
