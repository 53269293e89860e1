// Small building blocks every page uses, so loading, empty and error states look and read the same everywhere.
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../api/problem';
import { formatMoney, humanize } from '../format';

/**
 * After a submit that found errors, focus the first invalid field (it reads out its own message). Call it with the
 * errors object; it acts when that object changes and is not empty.
 */
export function useFocusFirstInvalid(form: { current: HTMLElement | null }, errors: Record<string, unknown>) {
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, errors]);
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="state">
      <p>{children}</p>
      {action}
    </div>
  );
}

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  /** when it says true, the empty message shows instead of the children */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** a way on from the empty state, e.g. a link to the shop */
  emptyAction?: ReactNode;
  loadingLabel?: string;
}

/**
 * The loading, error and empty states of one query, so every page shows them the same way. Only a query that never
 * got its data shows the error instead of the page: a later read that fails (a reload after an unclear save, say)
 * leaves what is on screen, and the form being edited in it, with a note above.
 */
export function QueryView<T>({ query, children, isEmpty, empty, emptyAction, loadingLabel }: QueryViewProps<T>) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.data === undefined) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return (
    <>
      {query.isError && <StaleNotice error={query.error} retry={() => void query.refetch()} />}
      {isEmpty?.(query.data) ? <Empty action={emptyAction}>{empty ?? 'Nothing here yet.'}</Empty> : children(query.data)}
    </>
  );
}

/** What is shown may be out of date: reading it again failed. */
export function StaleNotice({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="notice" role="status">
      This may be out of date: {errorMessage(error)}{' '}
      <button type="button" className="link-button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

/** A form-level message: the problem's sentence, announced to screen readers. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {errorMessage(error)}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input with its hint and its error, wired with aria-describedby / aria-invalid. */
export function Field({ label, error, hint, id, className, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const described = [hint && `${inputId}-hint`, error && `${inputId}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint && (
        <p className="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${inputId}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  error?: string;
  children: ReactNode;
}

export function SelectField({ label, error, id, children, ...select }: SelectFieldProps) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${selectId}-error` : undefined}
        {...select}
      >
        {children}
      </select>
      {error && (
        <p className="field-error" id={`${selectId}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  error?: string;
}

export function TextAreaField({ label, error, id, ...area }: TextAreaFieldProps) {
  const generated = useId();
  const areaId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={areaId}>{label}</label>
      <textarea
        id={areaId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${areaId}-error` : undefined}
        {...area}
      />
      {error && (
        <p className="field-error" id={`${areaId}-error`}>
          {error}
        </p>
      )}
    </div>
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

export function Money({ minor, currency }: { minor: number; currency: string }) {
  return <span className="money">{formatMoney(minor, currency)}</span>;
}

export function PriceRange({ min, max, currency }: { min: number; max: number; currency: string }) {
  return min === max ? (
    <Money minor={min} currency={currency} />
  ) : (
    <span className="money">
      from <Money minor={min} currency={currency} />
    </span>
  );
}

export function Stars({ average, count }: { average: number; count: number }) {
  if (!count) return <span className="stars muted">No reviews yet</span>;
  const filled = Math.round(average);
  return (
    <span className="stars" role="img" aria-label={`Rated ${average.toFixed(1)} out of 5 from ${count} review${count === 1 ? '' : 's'}`}>
      <span aria-hidden="true">
        {'★'.repeat(filled)}
        {'☆'.repeat(5 - filled)}
      </span>{' '}
      <span className="muted" aria-hidden="true">
        ({count})
      </span>
    </span>
  );
}

const statusTone: Record<string, string> = {
  confirmed: 'ok',
  shipped: 'ok',
  delivered: 'ok',
  on_hold: 'warn',
  pending: 'info',
  reserved: 'info',
  approved: 'info',
  authorized: 'info',
  rejected: 'bad',
  payment_failed: 'bad',
  cancelled: 'muted',
  refunded: 'muted',
  partially_refunded: 'warn',
  // risk decisions
  approve: 'ok',
  review: 'warn',
  decline: 'bad',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${statusTone[status] ?? 'info'}`}>{humanize(status)}</span>;
}

/** The page's one h1; its text also becomes the document title ("… · Bazaar"), which screen readers announce. */
export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const text = heading.current?.textContent?.trim();
    document.title = text ? `${text} · Bazaar` : 'Bazaar';
  });
  return (
    <div className="page-title">
      <h1 ref={heading}>{children}</h1>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function NotFound() {
  return (
    <section className="not-found">
      <h1>Page not found</h1>
      <p>The page you asked for does not exist or has moved.</p>
      <Link className="button" to="/">
        Back to the shop
      </Link>
    </section>
  );
}

/** A column of a DataTable: its heading, or false for a column this user does not get. */
export type Column = string | { label: string; num?: boolean; hidden?: boolean } | false;

/**
 * A table of records in a wrapper that scrolls sideways on narrow screens: a caption for screen readers, a header row
 * (`num` columns right-aligned, `hidden` headings for screen readers only) and the rows given as children.
 */
export function DataTable({ caption, columns, children }: { caption?: string; columns: Column[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => {
              if (column === false) return null;
              const { label, num = false, hidden = false } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={label} scope="col" className={num ? 'num' : undefined}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
