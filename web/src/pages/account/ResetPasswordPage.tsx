// Placeholder until the page is written.
export function ResetPasswordPage() {
  return <h1>ResetPasswordPage</h1>;
}
