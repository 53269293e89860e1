import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { useAuth } from '../auth/auth';
import { nextQuery } from '../pages/account/redirect';
import { useCart } from '../shop/cart';
import { useCategories } from '../shop/catalog';
import { SearchBox } from './SearchBox';
import { SignOutButton } from './SignOutButton';

function CartLink() {
  const cart = useCart();
  const count = cart.data?.itemCount ?? 0;
  return (
    <Link to="/cart" className="cart-link" aria-label={`Cart, ${count} item${count === 1 ? '' : 's'}`}>
      Cart <span className="cart-count" aria-hidden="true">{count}</span>
    </Link>
  );
}

export function AccountMenu() {
  const { user, ready, hasRole } = useAuth();
  const location = useLocation();
  if (!ready) return null;
  if (!user) {
    // Back to this page once signed in (the account pages themselves carry their own next).
    const here = location.pathname.startsWith('/sign-in') || location.pathname.startsWith('/register') ? '/' : location.pathname + location.search;
    return (
      <nav className="account-links" aria-label="Account">
        <Link to={`/sign-in${nextQuery(here)}`}>Sign in</Link>
        <Link to={`/register${nextQuery(here)}`}>Register</Link>
      </nav>
    );
  }
  return (
    <nav className="account-links" aria-label="Account">
      <Link to="/account">
        {user.displayName}
      </Link>
      <Link to="/orders">Orders</Link>
      {hasRole('support') && <Link to="/admin">Back office</Link>}
      <SignOutButton className="link-button" />
    </nav>
  );
}

/**
 * After a client-side navigation focus moves to the main content, as a page load would put it at the top: keyboard
 * users continue from there and screen readers read the new page. Not on the first render, and not when only the
 * query changes (filters and paging keep focus where the shopper is).
 */
function useFocusMainOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
}

export function Layout() {
  const categories = useCategories();
  useFocusMainOnNavigation();
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
