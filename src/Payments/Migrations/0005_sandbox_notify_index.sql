-- The sandbox's deliveries that are due.
-- "if not exists": on a large production table, build it first by hand without blocking authorizations
-- (create index concurrently if not exists ...); this migration then finds it and moves on.
create index if not exists sandbox_operations_notify on sandbox_operations (notify_at) where notify_at is not null;
