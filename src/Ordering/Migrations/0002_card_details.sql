-- The card's details, looked up once at checkout, so the risk step need not ask payments again.
alter table orders add column card_fingerprint text, add column card_bin text, add column card_country char(2);
