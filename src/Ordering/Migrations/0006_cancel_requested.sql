-- A cancellation is written down before payments and catalog are asked: if it stops half way (the void went through
-- but the stock was not returned, or the process died), the sweeper finishes it, and shipping refuses the order
-- meanwhile. Cleared when the card network refuses the void (the order stays confirmed). Adding a nullable column
-- changes only the catalog; its index comes in 0007, so this takes the table's lock for a moment, not for a build.
alter table orders add column if not exists cancel_requested_at timestamptz;
