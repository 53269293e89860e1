-- The sandbox network notifies Bazaar as a provider does: an authorization that completed after its answer was lost
-- (the slow test card) is announced by a signed webhook. notify_at is when the next delivery is due (null: nothing
-- to send), notify_attempts how many were made; a delivery that fails is tried again later, for up to three days.
-- Both columns change only the catalog (a constant default); their index comes in 0005.
alter table sandbox_operations add column if not exists notify_at timestamptz;
alter table sandbox_operations add column if not exists notify_attempts int not null default 0;
