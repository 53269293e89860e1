create extension if not exists pg_trgm;

-- Categories form a tree; path is the chain of ids from the root ('/a/b/c/'), so a subtree is one prefix match
-- and moving a category rewrites its subtree's paths in one statement.
create table categories (
    id uuid primary key,
    parent_id uuid references categories (id),
    slug text not null,
    name text not null,
    position int not null default 0,
    path text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index categories_slug on categories (slug);
create index categories_path on categories (path text_pattern_ops);
create index categories_parent on categories (parent_id, position);

create table products (
    id uuid primary key,
    slug text not null,
    name text not null,
    description text not null default '',
    brand text not null default '',
    category_id uuid not null references categories (id),
    category_path text not null,
    status text not null check (status in ('draft', 'active', 'archived')),
    attributes jsonb not null default '{}',
    currency char(3) not null,
    min_price bigint not null default 0,
    max_price bigint not null default 0,
    rating_sum bigint not null default 0,
    rating_count int not null default 0,
    rating_average numeric(3, 2) generated always as (case when rating_count = 0 then 0 else round(rating_sum::numeric / rating_count, 2) end) stored,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version int not null default 1,
    -- Name outranks brand outranks description.
    search tsvector generated always as (
        setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(brand, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'C')) stored
);
create unique index products_slug on products (slug);
create index products_search on products using gin (search);
create index products_name_trgm on products using gin (name gin_trgm_ops);
create index products_listing on products (status, category_path text_pattern_ops, created_at desc, id desc);
create index products_price on products (status, min_price, id);
create index products_rating on products (status, rating_average desc, id desc);
create index products_brand on products (brand);

create table variants (
    sku text primary key,
    product_id uuid not null references products (id) on delete cascade,
    options jsonb not null default '{}',
    price bigint not null check (price >= 0),
    compare_at_price bigint check (compare_at_price >= 0),
    weight_grams int not null default 0 check (weight_grams >= 0),
    position int not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index variants_product on variants (product_id, position);

create table product_images (
    id uuid primary key,
    product_id uuid not null references products (id) on delete cascade,
    storage_key text not null,
    content_type text not null,
    size_bytes int not null,
    alt_text text not null default '',
    position int not null default 0,
    created_at timestamptz not null
);
create index product_images_product on product_images (product_id, position);

-- Stock per SKU. available = on_hand - reserved, never negative: the checks make overselling impossible even for a
-- buggy caller, and reservations use one conditional update per line.
create table stock (
    sku text primary key references variants (sku) on delete cascade,
    product_id uuid not null references products (id) on delete cascade,
    on_hand int not null default 0 check (on_hand >= 0),
    reserved int not null default 0 check (reserved >= 0 and reserved <= on_hand),
    low_stock_threshold int not null default 5 check (low_stock_threshold >= 0),
    updated_at timestamptz not null
);
create index stock_product on stock (product_id);

create table stock_adjustments (
    id uuid primary key,
    sku text not null references stock (sku) on delete cascade,
    delta int not null,
    on_hand_after int not null,
    reason text not null,
    actor text not null,
    created_at timestamptz not null
);
create index stock_adjustments_sku on stock_adjustments (sku, created_at desc);

create table reservations (
    order_id uuid primary key,
    status text not null check (status in ('held', 'committed', 'released')),
    expires_at timestamptz not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index reservations_expiry on reservations (expires_at) where status = 'held';

create table reservation_lines (
    order_id uuid not null references reservations (order_id) on delete cascade,
    sku text not null,
    quantity int not null check (quantity > 0),
    primary key (order_id, sku)
);

create table reviews (
    id uuid primary key,
    product_id uuid not null references products (id) on delete cascade,
    user_id uuid not null,
    author_name text not null,
    rating int not null check (rating between 1 and 5),
    title text not null,
    body text not null,
    verified_purchase boolean not null default false,
    hidden boolean not null default false,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index reviews_one_per_customer on reviews (product_id, user_id);
create index reviews_listing on reviews (product_id, created_at desc, id desc) where not hidden;

-- Reported by ordering when an order line is delivered; makes a review "verified purchase".
create table delivered_purchases (
    user_id uuid not null,
    product_id uuid not null,
    order_id uuid not null,
    delivered_at timestamptz not null,
    primary key (user_id, product_id, order_id)
);
