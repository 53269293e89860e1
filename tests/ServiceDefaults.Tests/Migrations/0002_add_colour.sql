alter table widgets add column colour text;
insert into widgets (id, name, colour) values (1, 'first', 'red');
