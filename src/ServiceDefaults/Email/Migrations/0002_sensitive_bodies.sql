-- An e-mail whose body grants something (a password reset link) is emptied once it has been sent, so the database
-- does not keep a working link for as long as it keeps sent e-mails.
alter table email_outbox add column sensitive boolean not null default false;
