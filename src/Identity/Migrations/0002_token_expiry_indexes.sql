-- Expired refresh tokens and reset links are deleted after they expire (RowPurger); these find them.
-- "if not exists": on a large production table, build them first by hand without blocking sign-ins
-- (create index concurrently if not exists ...); this migration then finds them and moves on.
create index if not exists refresh_tokens_expires on refresh_tokens (expires_at);
create index if not exists password_reset_tokens_expires on password_reset_tokens (expires_at);
