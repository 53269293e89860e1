// Building blocks the back office pages share, on top of components/ui.tsx.
import type { FormEvent, ReactNode } from 'react';
import type { CursorPagerState } from './hooks';

interface CursorPagerProps {
  pager: CursorPagerState;
  nextCursor: string | null | undefined;
  /** what is paged, for the navigation's name: "Orders" → "Orders pages" */
  label: string;
}

export function CursorPager({ pager, nextCursor, label }: CursorPagerProps) {
  if (pager.page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button secondary" disabled={pager.page === 1} onClick={pager.previous}>
        Previous page
      </button>
      <span aria-live="polite">Page {pager.page}</span>
      <button type="button" className="button secondary" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}

interface FilterBarProps {
  /** the search landmark's name, e.g. "Filter orders" */
  label: string;
  onApply: (values: Record<string, string>) => void;
  children: ReactNode;
}

/** A row of filter inputs applied together; unchecked checkboxes and empty inputs clear their filter. */
export function FilterBar({ label, onApply, children }: FilterBarProps) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    new FormData(event.currentTarget).forEach((value, name) => {
      if (typeof value === 'string') values[name] = value;
    });
    onApply(values);
  };
  return (
    <form role="search" aria-label={label} className="toolbar" onSubmit={submit}>
      {children}
      <button type="submit" className="button secondary">
        Apply filters
      </button>
    </form>
  );
}

/** A definition list of label/value pairs, for the facts at the top of a detail page. */
export function Facts({ items }: { items: [label: string, value: ReactNode][] }) {
  return (
    <dl className="admin-facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
