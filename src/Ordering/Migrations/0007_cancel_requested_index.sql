-- The sweeper finds the cancellations left half way.
-- "if not exists": on a large production table, build it first by hand without blocking checkouts
-- (create index concurrently if not exists ...); this migration then finds it and moves on.
create index if not exists orders_cancel_requested on orders (cancel_requested_at) where cancel_requested_at is not null;
