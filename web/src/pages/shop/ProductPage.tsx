// A product: its images, a picker over the variants' options, the chosen variant's price and stock, and reviews.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { catalogApi, unwrap } from '../../api/client';
import { ApiError, fieldError } from '../../api/problem';
import { useAuth } from '../../auth/auth';
import { ErrorState, Field, FormError, Loading, Money, NotFound, SelectField, Stars, TextAreaField } from '../../components/ui';
import { formatDate } from '../../format';
import { useCart, useCartActions } from '../../shop/cart';
import type { ProductDetail } from '../../shop/catalog';

type Variant = ProductDetail['variants'][number];

const availabilityText: Record<string, string> = {
  in_stock: 'In stock',
  low_stock: 'Only a few left',
  out_of_stock: 'Out of stock',
};

/** The product page's query: keyed by the id or slug in the address. */
const productKey = (idOrSlug: string) => ['product', idOrSlug] as const;

export function ProductPage() {
  const { slug = '' } = useParams();
  const product = useQuery({
    queryKey: productKey(slug),
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: slug } }, signal })),
  });
  if (product.isPending) return <Loading />;
  if (product.isError) {
    if (product.error instanceof ApiError && product.error.status === 404) return <NotFound />;
    return <ErrorState error={product.error} retry={() => void product.refetch()} />;
  }
  // Keyed by product: moving to another product starts its choices, gallery and review draft afresh.
  return <ProductView key={product.data.id} product={product.data} />;
}

function ProductView({ product }: { product: ProductDetail }) {
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to="/">Home</Link>
          </li>
          {product.breadcrumbs.map((crumb) => (
            <li key={crumb.id}>
              <Link to={`/c/${crumb.slug}`}>{crumb.name}</Link>
            </li>
          ))}
        </ol>
      </nav>
      <div className="product">
        <Gallery product={product} />
        <div>
          <h1>{product.name}</h1>
          <p className="muted">{product.brand}</p>
          <a href="#reviews">
            <Stars average={product.rating.average} count={product.rating.count} />
          </a>
          <Purchase product={product} />
          <p>{product.description}</p>
          {Object.keys(product.attributes).length > 0 && (
            <dl className="attributes">
              {Object.entries(product.attributes).map(([name, value]) => (
                <div key={name}>
                  <dt>{name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())}</dt>
                  <dd>{String(value)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      </div>
      <Reviews product={product} />
    </>
  );
}

function Gallery({ product }: { product: ProductDetail }) {
  const [index, setIndex] = useState(0);
  const images = product.images;
  const shown = images[index] ?? images[0];
  if (!shown) return <div className="gallery no-image" aria-hidden="true" />;
  return (
    <div className="gallery">
      <img src={shown.url} alt={shown.altText || product.name} width={600} height={600} />
      {images.length > 1 && (
        <div className="thumbs">
          {images.map((image, i) => (
            <button key={image.id} type="button" aria-pressed={i === index} aria-label={`Show image ${i + 1} of ${images.length}`} onClick={() => setIndex(i)}>
              <img src={image.url} alt="" width={64} height={64} />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** Option names in first-seen order with their values, e.g. size → [S, M, L], colour → [red, blue]. */
function optionAxes(variants: Variant[]): [string, string[]][] {
  const axes = new Map<string, string[]>();
  for (const variant of variants) {
    for (const [name, value] of Object.entries(variant.options)) {
      const values = axes.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      axes.set(name, values);
    }
  }
  return [...axes];
}

function Purchase({ product }: { product: ProductDetail }) {
  const firstAvailable = product.variants.find((v) => v.availability !== 'out_of_stock') ?? product.variants[0];
  const [chosen, setChosen] = useState<Record<string, string>>(firstAvailable?.options ?? {});
  const [quantityText, setQuantityText] = useState('1');
  const quantity = Math.min(99, Math.max(1, Number.parseInt(quantityText, 10) || 1));
  const [added, setAdded] = useState<'added' | 'at-limit' | false>(false);
  const cart = useCart();
  const { setQuantity: saveQuantity } = useCartActions();
  const axes = useMemo(() => optionAxes(product.variants), [product.variants]);
  const variant = product.variants.find((v) => axes.every(([name]) => v.options[name] === chosen[name]));

  /**
   * The in-stock variant a pick of value for name leads to: the one that keeps most of the other choices (S-red, then
   * "blue" picked: S-blue if in stock, else M-blue). Undefined when no variant with that value is in stock. Keeping
   * every other choice instead would make M-blue unreachable when only S-red and M-blue are in stock.
   */
  const pickFor = (name: string, value: string) => {
    const kept = (v: Variant) => axes.filter(([n]) => n !== name && v.options[n] === chosen[n]).length;
    return product.variants
      .filter((v) => v.options[name] === value && v.availability !== 'out_of_stock')
      .reduce<Variant | undefined>((best, v) => (best === undefined || kept(v) > kept(best) ? v : best), undefined);
  };
  const [adding, setAdding] = useState(false);
  const addingNow = useRef(false); // the state shows it; the ref stops a second click before the page has re-rendered

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!variant || addingNow.current) return;
    setAdded(false);
    // From the click until the cart has answered: a second click meanwhile would add the quantity twice.
    addingNow.current = true;
    setAdding(true);
    try {
      // The cart keeps one line per SKU and PUT sets its quantity: adding again adds to what is there (at most 99),
      // read afresh (another tab may have changed the cart since this page loaded it).
      const fresh = await cart.refetch();
      if (fresh.isError) return;
      const inCart = fresh.data?.lines.find((line) => line.sku === variant.sku)?.quantity ?? 0;
      if (inCart >= 99) {
        setAdded('at-limit');
        return;
      }
      await saveQuantity.mutateAsync({ sku: variant.sku, quantity: Math.min(99, inCart + quantity) });
      setAdded(inCart + quantity > 99 ? 'at-limit' : 'added');
    } catch {
      // shown by FormError below
    } finally {
      addingNow.current = false;
      setAdding(false);
    }
  };

  return (
    <form className="purchase" onSubmit={add} aria-label="Choose and add to cart">
      {axes.map(([name, values]) => (
        <fieldset key={name}>
          <legend>{name.charAt(0).toUpperCase() + name.slice(1)}</legend>
          <div className="options">
            {values.map((value) => {
              const pick = pickFor(name, value);
              return (
                <button
                  key={value}
                  type="button"
                  className="option"
                  aria-pressed={chosen[name] === value}
                  disabled={!pick && chosen[name] !== value}
                  onClick={() => {
                    setChosen(pick ? { ...pick.options } : { ...chosen, [name]: value });
                    setAdded(false);
                  }}
                >
                  {value}
                  {!pick && <span className="visually-hidden"> (sold out)</span>}
                </button>
              );
            })}
          </div>
        </fieldset>
      ))}
      {variant ? (
        <>
          <p className="price">
            <Money minor={variant.price} currency={product.currency} />{' '}
            {variant.compareAtPrice && variant.compareAtPrice > variant.price && (
              <s className="muted">
                <span className="visually-hidden">Was </span>
                <Money minor={variant.compareAtPrice} currency={product.currency} />
              </s>
            )}
          </p>
          <p className={`stock-${variant.availability}`} role="status">
            {availabilityText[variant.availability] ?? variant.availability}
          </p>
          <div className="buy">
            <Field
              label="Quantity"
              type="number"
              min={1}
              max={99}
              value={quantityText}
              onChange={(event) => setQuantityText(event.target.value)}
              onBlur={() => setQuantityText(String(quantity))}
            />
            <button type="submit" className="button" disabled={variant.availability === 'out_of_stock' || adding || cart.isPending} aria-busy={adding || undefined}>
              {adding ? 'Adding…' : 'Add to cart'}
            </button>
          </div>
          <FormError error={saveQuantity.error ?? cart.error} />
          {added && (
            <p className="notice" role="status">
              {added === 'added' ? 'Added to your cart.' : 'Your cart now holds 99 of these, as many as one order can take.'}{' '}
              <Link to="/cart">View cart</Link>
            </p>
          )}
        </>
      ) : (
        <p className="muted">This combination is not available.</p>
      )}
    </form>
  );
}

function Reviews({ product }: { product: ProductDetail }) {
  const reviews = useInfiniteQuery({
    queryKey: ['reviews', product.id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        catalogApi.GET('/api/v1/products/{productId}/reviews', {
          params: { path: { productId: product.id }, query: { cursor: pageParam, limit: 10 } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = reviews.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section id="reviews" aria-labelledby="reviews-heading">
      <h2 id="reviews-heading">Reviews</h2>
      <WriteReview product={product} />
      {reviews.isPending ? (
        <Loading />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} retry={() => void reviews.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No reviews yet. Be the first to write one.</p>
      ) : (
        <ul className="reviews">
          {items.map((review) => (
            <li key={review.id}>
              <Stars average={review.rating} count={1} /> <strong>{review.title}</strong>
              <p className="muted">
                {review.authorName} · {formatDate(review.createdAt)}
                {review.verifiedPurchase && <span className="badge badge-ok">Verified purchase</span>}
              </p>
              <p>{review.body}</p>
            </li>
          ))}
        </ul>
      )}
      {reviews.hasNextPage && (
        <button type="button" className="button secondary" onClick={() => void reviews.fetchNextPage()} disabled={reviews.isFetchingNextPage}>
          {reviews.isFetchingNextPage ? 'Loading…' : 'More reviews'}
        </button>
      )}
    </section>
  );
}

function WriteReview({ product }: { product: ProductDetail }) {
  const { user } = useAuth();
  const { slug = '' } = useParams();
  const queryClient = useQueryClient();
  const [rating, setRating] = useState('5');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const submit = useMutation({
    mutationFn: () =>
      unwrap(
        catalogApi.POST('/api/v1/products/{productId}/reviews', {
          params: { path: { productId: product.id } },
          body: { rating: Number(rating), title: title.trim(), body: body.trim(), authorName: null },
        }),
      ),
    onSuccess: () => {
      // The rating at the top changes with the new review: refresh this product as the page asked for it, not every one.
      void queryClient.invalidateQueries({ queryKey: ['reviews', product.id] });
      void queryClient.invalidateQueries({ queryKey: productKey(slug) });
    },
  });

  if (!user) {
    return (
      <p>
        <Link to={`/sign-in?next=${encodeURIComponent(`/p/${product.slug}#reviews`)}`}>Sign in</Link> to write a review.
      </p>
    );
  }
  if (submit.isSuccess) {
    return (
      <p className="notice" role="status">
        Thank you, your review is published{submit.data.verifiedPurchase ? ' as a verified purchase' : ''}.
      </p>
    );
  }
  return (
    <details>
      <summary>Write a review</summary>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit.mutate();
        }}
      >
        <FormError error={submit.error} />
        <SelectField label="Rating" value={rating} onChange={(event) => setRating(event.target.value)} error={fieldError(submit.error, 'rating')}>
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>
              {n} star{n === 1 ? '' : 's'}
            </option>
          ))}
        </SelectField>
        <Field label="Title" value={title} onChange={(event) => setTitle(event.target.value)} required maxLength={120} error={fieldError(submit.error, 'title')} />
        <TextAreaField label="Your review" value={body} onChange={(event) => setBody(event.target.value)} required rows={4} maxLength={4000} error={fieldError(submit.error, 'body')} />
        <button type="submit" className="button" disabled={submit.isPending}>
          {submit.isPending ? 'Publishing…' : 'Publish review'}
        </button>
      </form>
    </details>
  );
}
