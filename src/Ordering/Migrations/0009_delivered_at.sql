-- When the parcel arrived, apart from the status: an order partially refunded while in transit (a goodwill refund of
-- the shipping, say) can still be marked delivered, and one that was delivered and then refunded still shows it.
-- A nullable column changes only the catalog; the backfill reads the timeline's delivered events.
alter table orders add column if not exists delivered_at timestamptz;
update orders o set delivered_at = e.created_at
from order_events e
where e.order_id = o.id and e.type = 'delivered' and o.delivered_at is null;
