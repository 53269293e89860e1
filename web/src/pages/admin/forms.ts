// Small helpers for the back office's forms: whole numbers and name=value lists.

/** "42" → 42; null for anything that is not a whole number (decimals, blanks, "1e3"). */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** "size=42\ncolour=black" → { size: '42', colour: 'black' }; null when a line has no name or no "=". */
export function parseKeyValues(text: string): Record<string, string> | null {
  const entries: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    if (at < 1 || !line.slice(0, at).trim()) return null;
    entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  return Object.fromEntries(entries);
}

export function formatKeyValues(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}
