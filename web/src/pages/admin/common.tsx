// Building blocks the back office pages share, on top of components/ui.tsx.
import type { ButtonHTMLAttributes, FormEvent, ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../components/ui';
import type { CursorPagerState } from './hooks';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  /** when it says true, the empty message shows instead of the children */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingLabel?: string;
}

/** The loading, error and empty states of one query, so every list shows them the same way. */
export function QueryView<T>({ query, children, isEmpty, empty, loadingLabel }: QueryViewProps<T>) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty>{empty ?? 'Nothing here yet.'}</Empty>;
  return <>{children(query.data)}</>;
}

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

interface ActionButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'type'> {
  onAction: () => void;
  pending?: boolean;
  /** asked with window.confirm before a destructive action; nothing happens unless the person agrees */
  confirm?: string;
}

/** A button that runs one mutation: disabled while it is pending, and asking first when it cannot be undone. */
export function ActionButton({ onAction, pending = false, confirm, disabled, className = 'button', children, ...rest }: ActionButtonProps) {
  return (
    <button
      type="button"
      className={className}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      onClick={() => {
        if (!confirm || window.confirm(confirm)) onAction();
      }}
      {...rest}
    >
      {children}
    </button>
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
