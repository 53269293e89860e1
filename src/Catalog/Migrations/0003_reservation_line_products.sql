-- Which product a committed line's units were sold from, so a return credits that product's stock and not another
-- product that took over the SKU after the variant was deleted. Set when the reservation is committed; lines committed
-- before this migration have none and are returned by SKU, as before.
alter table reservation_lines add column product_id uuid;
