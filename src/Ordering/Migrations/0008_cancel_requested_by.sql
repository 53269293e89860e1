-- Who asked for a cancellation still under way (the customer, or a staff member), so the sweeper that finishes it
-- records it in their name. A nullable column changes only the catalog.
alter table orders add column if not exists cancel_requested_by text;
