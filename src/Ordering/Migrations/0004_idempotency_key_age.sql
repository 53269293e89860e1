-- Idempotency-Keys are kept 30 days, long past any retry of the checkout they belong to (RowPurger); this finds the old ones.
-- "if not exists": on a large production table, build it first by hand without blocking checkouts
-- (create index concurrently if not exists ...); this migration then finds it and moves on.
create index if not exists idempotency_keys_created on idempotency_keys (created_at);
