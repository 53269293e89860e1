-- A webhook delivery being processed claims its event for a while (claimed_until) and marks it processed when done
-- (processed_at). A redelivery that finds the event processed is acknowledged; one that finds it claimed by a delivery
-- still at work is answered 503 and comes back later; one that finds the claim given up (the first delivery failed) or
-- lapsed (its process stopped) takes it over. So a redelivery is never acknowledged while the delivery before it may
-- still fail, and no request holds a transaction open while it asks the provider.
-- Rows from before this were processed when received. Pods of the release before this insert rows with neither column
-- set and delete them when processing fails; such a row reads as a claim given up, and a redelivery of its event
-- processes it again, which is harmless: an event is only a nudge to look its calls up at the provider.
alter table webhook_events add column if not exists processed_at timestamptz, add column if not exists claimed_until timestamptz;
update webhook_events set processed_at = received_at where processed_at is null and claimed_until is null;
