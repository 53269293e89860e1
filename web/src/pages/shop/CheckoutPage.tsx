// Placeholder until the page is written.
export function CheckoutPage() {
  return <h1>CheckoutPage</h1>;
}
