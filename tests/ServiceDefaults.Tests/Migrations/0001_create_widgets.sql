create table widgets (id int primary key, name text not null);
-- widen the window in which a second process could race this one
select pg_sleep(0.3);
