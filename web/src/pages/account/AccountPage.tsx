// Placeholder until the page is written.
export function AccountPage() {
  return <h1>AccountPage</h1>;
}
