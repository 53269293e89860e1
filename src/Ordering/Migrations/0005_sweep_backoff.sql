-- The sweeper's own schedule for an order it tried and could not move: each try waits longer than the last (a step
-- that keeps failing, such as a void the card network refuses, is not sent again every few seconds forever), and the
-- orders just tried go behind the others, so a few that cannot move do not keep the rest from being swept. A move
-- resets both.
alter table orders add column if not exists sweep_attempts int not null default 0;
alter table orders add column if not exists sweep_after timestamptz;
