-- A provider's webhook event about an authorization (a Stripe PaymentIntent) finds its payment by the provider's
-- reference. Webhook deliveries are deleted 30 days after they arrive (RowPurger): a provider redelivers for days, not
-- weeks, and a payload may carry the payer's details.
create index if not exists payments_provider_reference on payments (provider, provider_reference) where provider_reference is not null;
create index if not exists webhook_events_received on webhook_events (received_at);
