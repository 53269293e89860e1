import { lazy, Suspense, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { shouldRetryQuery } from './api/problem';
import { AuthProvider } from './auth/auth';
import { RequireRole } from './auth/RequireRole';
import { Layout } from './components/Layout';
import { Loading, NotFound } from './components/ui';
import { HomePage } from './pages/shop/HomePage';
import { ListingPage } from './pages/shop/ListingPage';
import { ProductPage } from './pages/shop/ProductPage';
import { CartPage } from './pages/shop/CartPage';

// Browsing pages are in the first bundle; checkout, orders, account pages and the back office load when first
// visited, so a shopper landing on a product or category page downloads only what it needs.
const CheckoutPage = lazy(() => import('./pages/shop/CheckoutPage').then((m) => ({ default: m.CheckoutPage })));
const OrdersPage = lazy(() => import('./pages/shop/OrdersPage').then((m) => ({ default: m.OrdersPage })));
const OrderDetailPage = lazy(() => import('./pages/shop/OrderDetailPage').then((m) => ({ default: m.OrderDetailPage })));
const SignInPage = lazy(() => import('./pages/account/SignInPage').then((m) => ({ default: m.SignInPage })));
const RegisterPage = lazy(() => import('./pages/account/RegisterPage').then((m) => ({ default: m.RegisterPage })));
const ForgotPasswordPage = lazy(() => import('./pages/account/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('./pages/account/ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })));
const AccountPage = lazy(() => import('./pages/account/AccountPage').then((m) => ({ default: m.AccountPage })));
const AdminRoutes = lazy(() => import('./pages/admin/AdminRoutes'));

/** A lazily loaded page, with the loading state every page uses while its code arrives. */
function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetryQuery,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'c/:slug', element: <ListingPage mode="category" /> },
      { path: 'search', element: <ListingPage mode="search" /> },
      { path: 'p/:slug', element: <ProductPage /> },
      { path: 'cart', element: <CartPage /> },
      { path: 'checkout', element: <RequireRole role="customer"><Page><CheckoutPage /></Page></RequireRole> },
      { path: 'orders', element: <RequireRole role="customer"><Page><OrdersPage /></Page></RequireRole> },
      { path: 'orders/:id', element: <RequireRole role="customer"><Page><OrderDetailPage /></Page></RequireRole> },
      { path: 'account', element: <RequireRole role="customer"><Page><AccountPage /></Page></RequireRole> },
      { path: 'sign-in', element: <Page><SignInPage /></Page> },
      { path: 'register', element: <Page><RegisterPage /></Page> },
      { path: 'forgot-password', element: <Page><ForgotPasswordPage /></Page> },
      { path: 'reset-password', element: <Page><ResetPasswordPage /></Page> },
      {
        path: 'admin/*',
        element: (
          <RequireRole role="support">
            <Suspense fallback={<Loading label="Loading the back office…" />}>
              <AdminRoutes />
            </Suspense>
          </RequireRole>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
