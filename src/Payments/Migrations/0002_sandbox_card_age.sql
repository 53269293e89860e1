-- Sandbox card tokens are deleted 30 days after they were issued (RowPurger): the tokenisation endpoint is open to
-- anyone, so without it the table grows with every test card entered. A checkout uses its token within minutes, or
-- within the seven days an order may wait for a risk review; captures, voids and refunds go by the authorization's
-- reference, not the token. This finds the old ones.
create index if not exists sandbox_cards_created on sandbox_cards (created_at);
