import { Link } from 'react-router';
import type { ProductSummary } from '../shop/catalog';
import { PriceRange, Stars } from './ui';

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <article className="product-card">
      <Link to={`/p/${product.slug}`}>
        {product.imageUrl ? (
          <img src={product.imageUrl} alt="" loading="lazy" width={320} height={320} />
        ) : (
          <div className="no-image" aria-hidden="true" />
        )}
        <div className="body">
          <h3>{product.name}</h3>
          <span className="muted">{product.brand}</span>
          <PriceRange min={product.minPrice} max={product.maxPrice} currency={product.currency} />
          <Stars average={product.ratingAverage} count={product.ratingCount} />
          {!product.inStock && <span className="stock-out_of_stock">Out of stock</span>}
        </div>
      </Link>
    </article>
  );
}

export function ProductGrid({ products }: { products: ProductSummary[] }) {
  return (
    <ul className="product-grid">
      {products.map((product) => (
        <li key={product.id}>
          <ProductCard product={product} />
        </li>
      ))}
    </ul>
  );
}
