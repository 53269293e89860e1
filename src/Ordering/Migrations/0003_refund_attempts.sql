-- A refund asked of payments whose outcome ordering has not recorded yet. Written (and committed) before payments is
-- asked and deleted with the outcome, so a refund whose answer was lost (a timeout, a crash) is still known: the
-- sweeper reads the payment's ledger and records what was really refunded.
create table refund_attempts (
    id uuid primary key,
    order_id uuid not null references orders (id) on delete cascade,
    amount bigint not null check (amount > 0),
    actor text not null,
    created_at timestamptz not null
);
create index refund_attempts_order on refund_attempts (order_id);
create index refund_attempts_created on refund_attempts (created_at);
