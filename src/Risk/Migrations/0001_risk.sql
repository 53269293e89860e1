-- The rules the transaction validator applies. parameters holds the kind's settings (checked by the service on every
-- write and again when rules are loaded); version guards admin edits (optimistic concurrency).
create table risk_rules (
    id uuid primary key,
    name text not null unique,
    kind text not null check (kind in ('amount_limit', 'velocity', 'country_blocklist', 'bin_blocklist', 'country_mismatch', 'new_account')),
    parameters jsonb not null default '{}',
    action text not null check (action in ('review', 'decline')),
    score int not null check (score between 0 and 100),
    enabled boolean not null default true,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version int not null default 1
);

-- One assessment per order, kept as the audit log: a repeat for the same order id answers with this row, never a
-- second decision. reasons explain the decision; input is what was assessed (no card number is ever sent here).
create table risk_assessments (
    id uuid primary key,
    order_id uuid not null unique,
    customer_id uuid not null,
    amount bigint not null check (amount > 0),
    currency char(3) not null,
    decision text not null check (decision in ('approve', 'review', 'decline')),
    score int not null check (score between 0 and 100),
    reasons jsonb not null default '[]',
    input jsonb not null default '{}',
    reviewed_by text,
    review_outcome text check (review_outcome in ('approved', 'rejected')),
    review_note text,
    reviewed_at timestamptz,
    created_at timestamptz not null,
    check ((review_outcome is null) = (reviewed_at is null))
);
create index risk_assessments_decision on risk_assessments (decision, id desc);
-- The review queue: orders sent to review that nobody has decided yet.
create index risk_assessments_review_queue on risk_assessments (id desc) where decision = 'review' and review_outcome is null;
create index risk_assessments_customer on risk_assessments (customer_id, id desc);
