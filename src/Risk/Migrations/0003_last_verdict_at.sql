-- When ordering decided the newest verdict it sent for an order, whether or not that verdict changed the record (the
-- same verdict again keeps who decided first; "withdrawn" does not replace "rejected"). A verdict decided before it,
-- delivered late, is not recorded. Null: no verdict since this column was added (reviewed_at stands in).
alter table risk_assessments add column last_verdict_at timestamptz;
