-- When the sweeper last tried to settle an order's refund attempts and could not (the card network has not answered,
-- payments could not be asked). Orders it has not tried come first, then the ones tried longest ago, so a hundred
-- refunds pending at the network for days do not keep a newer lost refund from ever being recorded.
alter table refund_attempts add column if not exists checked_at timestamptz;
