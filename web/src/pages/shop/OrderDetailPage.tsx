// Placeholder until the page is written.
export function OrderDetailPage() {
  return <h1>OrderDetailPage</h1>;
}
