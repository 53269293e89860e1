create table users (
    id uuid primary key,
    email text not null,
    normalized_email text not null,
    display_name text not null,
    password_hash text not null,
    roles text[] not null,
    failed_login_count int not null default 0,
    lockout_end timestamptz,
    locked_by_admin boolean not null default false,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
-- E-mails are unique regardless of case: the normalized form is lower-cased and trimmed.
create unique index users_normalized_email on users (normalized_email);

-- Refresh tokens are opaque; only their SHA-256 is stored. A family is one sign-in and all its rotations.
create table refresh_tokens (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    family_id uuid not null,
    token_hash bytea not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    revoked_reason text
);
create unique index refresh_tokens_hash on refresh_tokens (token_hash);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id);

create table password_reset_tokens (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    token_hash bytea not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);
create unique index password_reset_tokens_hash on password_reset_tokens (token_hash);

-- ES256 signing keys; the private half is encrypted with the key-encryption key from configuration.
create table signing_keys (
    kid text primary key,
    encrypted_private_key bytea not null,
    created_at timestamptz not null,
    activates_at timestamptz not null,
    retired_at timestamptz
);
