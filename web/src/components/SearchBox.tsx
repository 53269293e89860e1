// The header search: suggestions appear as the shopper types (debounced), navigable with the arrow keys, following
// the WAI-ARIA combobox pattern. Enter without a chosen suggestion searches for the text as typed.
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { catalogApi, unwrap } from '../api/client';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function SearchBox() {
  const [params] = useSearchParams();
  const urlText = params.get('q') ?? '';
  const [text, setText] = useState(urlText);
  // Back and forward between searches: the box shows the search on screen.
  useEffect(() => setText(urlText), [urlText]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const navigate = useNavigate();
  const listId = useId();
  const query = useDebounced(text.trim(), 200);

  const suggestions = useQuery({
    queryKey: ['suggest', query],
    enabled: query.length >= 2,
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/products/suggest', { params: { query: { q: query } }, signal })),
    staleTime: 60_000,
  });
  const items = query.length >= 2 ? (suggestions.data ?? []) : [];
  const expanded = open && items.length > 0;

  const search = (event: FormEvent) => {
    event.preventDefault();
    const chosen = active >= 0 ? items[active] : undefined;
    setOpen(false);
    if (chosen) navigate(`/p/${chosen.slug}`);
    else if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (!items.length) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % items.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (i <= 0 ? items.length - 1 : i - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <form className="search" role="search" onSubmit={search}>
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        Search products
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        placeholder="Search products"
        autoComplete="off"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button">
        Search
      </button>
      {expanded && (
        <ul className="suggestions" id={listId} role="listbox" aria-label="Suggestions">
          {items.map((item, index) => (
            <li
              key={item.slug}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              onMouseDown={(event) => {
                event.preventDefault();
                setOpen(false);
                navigate(`/p/${item.slug}`);
              }}
            >
              {item.name}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
