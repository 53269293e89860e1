-- One payment (intent) per order: the unique order_id is what makes "one charge per order" hold under any number of
-- concurrent authorize calls. Amounts are integer minor units. captured_amount counts only captures the provider
-- confirmed; refunded_amount is reserved before a refund is sent (and given back if it fails), so the two checks below
-- make refunding more than was captured impossible even for a buggy caller.
create table payments (
    id uuid primary key,
    order_id uuid not null,
    status text not null check (status in ('authorized', 'declined', 'unknown', 'captured', 'partially_captured', 'voided', 'refunded', 'partially_refunded')),
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    captured_amount bigint not null default 0 check (captured_amount >= 0),
    refunded_amount bigint not null default 0 check (refunded_amount >= 0),
    card_token text not null,
    card_brand text not null,
    card_last4 text not null,
    card_fingerprint text not null,
    card_bin text not null,
    card_country text not null,
    provider text not null,
    provider_reference text,
    decline_code text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version int not null default 1,
    constraint payments_one_per_order unique (order_id),
    constraint payments_captured_within_authorized check (captured_amount <= amount),
    constraint payments_refunded_within_captured check (refunded_amount <= captured_amount)
);
create index payments_unknown on payments (updated_at) where status = 'unknown';

-- The ledger: every call made to the provider, written as 'unknown' before the call and settled after it, so a crash
-- or a timeout leaves a row to resolve rather than money moved without a trace. The idempotency key is the one sent
-- to the provider; a repeat of an operation finds its row instead of moving money twice.
create table payment_transactions (
    id uuid primary key,
    payment_id uuid not null references payments (id),
    kind text not null check (kind in ('authorization', 'capture', 'void', 'refund')),
    amount bigint not null check (amount > 0),
    status text not null check (status in ('succeeded', 'failed', 'unknown')),
    idempotency_key text not null,
    provider_reference text,
    failure_code text,
    reason text,
    created_at timestamptz not null,
    constraint payment_transactions_idempotency_key unique (idempotency_key)
);
create index payment_transactions_payment on payment_transactions (payment_id, created_at);
create index payment_transactions_unknown on payment_transactions (created_at) where status = 'unknown';

-- Webhook deliveries already processed: a redelivery of the same event id has no effect.
create table webhook_events (
    event_id text primary key,
    received_at timestamptz not null,
    type text not null,
    payload jsonb not null
);

-- The sandbox provider's own tables: it plays the card network. Bazaar's tables never hold a card number, and
-- neither do these: a token, the last four digits, the BIN and a keyed fingerprint.
create table sandbox_cards (
    token text primary key,
    scenario text not null check (scenario in ('success', 'insufficient_funds', 'stolen_card', 'processing_error', 'slow')),
    brand text not null,
    last4 text not null,
    fingerprint text not null,
    bin text not null,
    country text not null,
    exp_month int not null check (exp_month between 1 and 12),
    exp_year int not null,
    created_at timestamptz not null
);

-- Every call the sandbox network received, by the caller's idempotency key: a repeat gets the recorded outcome.
-- reference is the authorization's reference (the "charge"); captures, voids and refunds carry the one they act on.
-- completes_at is set for an authorization still in progress (the slow test card): pending until then.
create table sandbox_operations (
    idempotency_key text primary key,
    kind text not null check (kind in ('authorization', 'capture', 'void', 'refund')),
    token text,
    reference text,
    amount bigint not null,
    outcome text not null check (outcome in ('succeeded', 'declined', 'failed')),
    decline_code text,
    completes_at timestamptz,
    created_at timestamptz not null
);
create index sandbox_operations_reference on sandbox_operations (reference, kind);
