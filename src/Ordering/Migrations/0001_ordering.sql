create sequence order_numbers start 100001;

-- An order and its checkout saga: the status is the saga's position, so a crashed checkout resumes from it.
create table orders (
    id uuid primary key,
    number bigint not null default nextval('order_numbers'),
    user_id uuid not null,
    email text not null,
    status text not null check (status in ('pending', 'reserved', 'approved', 'on_hold', 'authorized', 'confirmed', 'rejected',
                                           'payment_failed', 'cancelled', 'shipped', 'delivered', 'refunded', 'partially_refunded')),
    currency char(3) not null,
    subtotal bigint not null check (subtotal >= 0),
    shipping bigint not null check (shipping >= 0),
    tax bigint not null check (tax >= 0),
    total bigint not null check (total >= 0),
    refunded bigint not null default 0 check (refunded >= 0 and refunded <= total),
    shipping_method text not null,
    shipping_address jsonb not null,
    billing_country char(2) not null,
    payment_token text not null,
    payment_id uuid,
    card_brand text,
    card_last4 text,
    risk_decision text,
    risk_assessment_id uuid,
    failure_reason text,
    carrier text,
    tracking_number text,
    client_ip text,
    account_created_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version int not null default 1
);
create unique index orders_number on orders (number);
create index orders_user on orders (user_id, id desc);
create index orders_status on orders (status, updated_at);

create table order_lines (
    order_id uuid not null references orders (id) on delete cascade,
    sku text not null,
    product_id uuid not null,
    name text not null,
    options jsonb not null default '{}',
    unit_price bigint not null check (unit_price >= 0),
    quantity int not null check (quantity > 0),
    line_total bigint not null check (line_total >= 0),
    weight_grams int not null default 0,
    primary key (order_id, sku)
);

-- The order's timeline: what happened, when, and who did it.
create table order_events (
    id uuid primary key,
    seq bigint generated always as identity, -- the order things happened in, even within one millisecond
    order_id uuid not null references orders (id) on delete cascade,
    type text not null,
    detail text not null default '',
    actor text not null,
    created_at timestamptz not null
);
create index order_events_order on order_events (order_id, created_at);

-- One order per (customer, Idempotency-Key): the unique key decides, never a check-then-insert.
create table idempotency_keys (
    user_id uuid not null,
    key text not null,
    request_hash text not null,
    order_id uuid,
    response_status int,
    response_body text,
    created_at timestamptz not null,
    primary key (user_id, key)
);
