-- A stock adjustment is made once per Idempotency-Key: an admin's retry after an answer that never came (a timeout, a
-- lost connection) finds the adjustment its first attempt made instead of moving the count a second time. The key is
-- the client's, unique per SKU; the adjustments made before keys existed, and the seed's initial stock, have none.
alter table stock_adjustments add column idempotency_key text;
create unique index stock_adjustments_idempotency_key on stock_adjustments (sku, idempotency_key);
