// Placeholder until the page is written.
export function ForgotPasswordPage() {
  return <h1>ForgotPasswordPage</h1>;
}
