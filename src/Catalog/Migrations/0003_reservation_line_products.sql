-- Which product a committed line's units were sold from, so a return credits that product's stock and not another
-- product that took over the SKU after the variant was deleted. Set when the reservation is committed.
alter table reservation_lines add column product_id uuid;
-- Lines committed before it: the product that has the SKU now, which (unless the variant was deleted and its SKU reused
-- since) is the one they were sold from. Old pods committing during the rollout leave theirs null, returned by SKU.
update reservation_lines l set product_id = s.product_id
from reservations r, stock s
where r.order_id = l.order_id and r.status = 'committed' and s.sku = l.sku and l.product_id is null;
