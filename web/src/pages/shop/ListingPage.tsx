export function ListingPage({ mode }: { mode: 'category' | 'search' }) {
  return <h1>{mode}</h1>;
}
