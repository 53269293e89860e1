-- E-mails are written here in the same transaction as the change that causes them,
-- then delivered by the background dispatcher; nothing is lost when the mail server is down.
create table email_outbox (
    id uuid primary key,
    recipient text not null,
    subject text not null,
    text_body text not null,
    created_at timestamptz not null,
    attempts int not null default 0,
    next_attempt_at timestamptz not null,
    sent_at timestamptz,
    last_error text
);

create index email_outbox_due on email_outbox (next_attempt_at) where sent_at is null;
