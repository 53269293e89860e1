// Placeholder until the page is written.
export function CartPage() {
  return <h1>CartPage</h1>;
}
