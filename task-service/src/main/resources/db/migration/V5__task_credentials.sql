-- az acr task credential: per login server a user name and password, or {"identity": true} for the task service's
-- own identity in another Drydock registry. Passwords are write-only, as the task's secrets are.
alter table task add column credentials jsonb not null default '{}';
