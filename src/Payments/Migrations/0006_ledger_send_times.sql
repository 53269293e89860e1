-- When a call whose outcome is unknown was last sent again (null: sent once, at created_at), and when the resolver
-- last asked the provider about it without learning its outcome (null: not yet).
-- sent_at: the provider's "no such operation" is trusted only a while after the latest send, and only if no send
-- started since the resolver read the row; otherwise a resend still on its way could be settled as never made and
-- its success lost.
-- checked_at: the resolver asks about the calls it asked about least recently first, so calls that never settle do
-- not crowd out newer ones.
-- Nullable without a default: adding them rewrites nothing. Pods of the release before this neither set nor read them.
alter table payment_transactions add column sent_at timestamptz, add column checked_at timestamptz;
