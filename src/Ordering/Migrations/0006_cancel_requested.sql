-- A cancellation is written down before payments and catalog are asked: if it stops half way (the void went through
-- but the stock was not returned, or the process died), the sweeper finishes it, and shipping refuses the order
-- meanwhile. Cleared when the card network refuses the void (the order stays confirmed).
alter table orders add column if not exists cancel_requested_at timestamptz;
-- "if not exists": on a large production table, build it first by hand without blocking checkouts
-- (create index concurrently if not exists ...); this migration then finds it and moves on.
create index if not exists orders_cancel_requested on orders (cancel_requested_at) where cancel_requested_at is not null;
