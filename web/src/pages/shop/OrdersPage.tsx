// Placeholder until the page is written.
export function OrdersPage() {
  return <h1>OrdersPage</h1>;
}
