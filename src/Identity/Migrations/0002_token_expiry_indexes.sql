-- Expired refresh tokens and reset links are deleted a day after they expire (RowPurger); these find them.
create index refresh_tokens_expires on refresh_tokens (expires_at);
create index password_reset_tokens_expires on password_reset_tokens (expires_at);
