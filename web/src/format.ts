// Money travels in minor units (cents, yen) with an ISO currency; these turn it into text for the reader's locale.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f;
}

/** Minor units → "€12.50", "¥1,200". The currency's own number of decimals decides the scale. */
export function formatMoney(minor: number, currency: string): string {
  const f = formatter(currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

/** "12.50" in a form → 1250 minor units; null when it is not an amount with at most the currency's decimals. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
  const trimmed = text.trim().replace(',', '.');
  const pattern = digits ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/;
  if (!pattern.test(trimmed)) return null;
  const [whole = '0', fraction = ''] = trimmed.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function formatMoneyInput(minor: number, currency: string): string {
  const digits = formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

/** "pending_payment" / "PaymentFailed" → "Payment failed". */
export function humanize(value: string): string {
  const spaced = value.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A variant's options, { size: 'M', colour: 'Grey' } → "size: M, colour: Grey"; "" when there are none. */
export function formatOptions(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
}
