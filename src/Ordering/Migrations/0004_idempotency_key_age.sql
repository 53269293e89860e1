-- Idempotency-Keys are kept 30 days, long past any retry of the checkout they belong to (RowPurger); this finds the old ones.
create index idempotency_keys_created on idempotency_keys (created_at);
