-- A category's version, bumped by every change: an edit names the version it was made from, so an edit made from a
-- page loaded before someone else's change (a move, a rename) is refused instead of undoing it.
alter table categories add column version int not null default 1;
