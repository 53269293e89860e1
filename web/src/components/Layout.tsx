import { Link, NavLink, Outlet, ScrollRestoration, useNavigate } from 'react-router';
import { useAuth } from '../auth/auth';
import { useCart } from '../shop/cart';
import { useCategories } from '../shop/catalog';
import { SearchBox } from './SearchBox';

function CartLink() {
  const cart = useCart();
  const count = cart.data?.itemCount ?? 0;
  return (
    <Link to="/cart" className="cart-link" aria-label={`Cart, ${count} item${count === 1 ? '' : 's'}`}>
      Cart <span className="cart-count" aria-hidden="true">{count}</span>
    </Link>
  );
}

function AccountMenu() {
  const { user, ready, hasRole, signOut } = useAuth();
  const navigate = useNavigate();
  if (!ready) return null;
  if (!user) {
    return (
      <nav className="account-links" aria-label="Account">
        <Link to="/sign-in">Sign in</Link>
        <Link to="/register">Register</Link>
      </nav>
    );
  }
  return (
    <nav className="account-links" aria-label="Account">
      <Link to="/account" className="user-name">
        {user.displayName}
      </Link>
      <Link to="/orders">Orders</Link>
      {hasRole('support') && <Link to="/admin">Back office</Link>}
      <button
        type="button"
        className="link-button"
        onClick={async () => {
          await signOut();
          navigate('/');
        }}
      >
        Sign out
      </button>
    </nav>
  );
}

export function Layout() {
  const categories = useCategories();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="logo" aria-label="Bazaar home">
            Bazaar
          </Link>
          <SearchBox />
          <div className="header-actions">
            <AccountMenu />
            <CartLink />
          </div>
        </div>
        {categories.data && (
          <nav className="category-nav" aria-label="Categories">
            <ul>
              {categories.data.map((category) => (
                <li key={category.id}>
                  <NavLink to={`/c/${category.slug}`}>{category.name}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>Bazaar: prices include the tax shown at checkout. Payments in this shop use the sandbox: no real money moves.</p>
      </footer>
      <ScrollRestoration />
    </>
  );
}
