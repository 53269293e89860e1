-- A committed reservation whose order is cancelled before shipping gives its units back: committed → returned.
alter table reservations drop constraint reservations_status_check;
alter table reservations add constraint reservations_status_check check (status in ('held', 'committed', 'released', 'returned'));
