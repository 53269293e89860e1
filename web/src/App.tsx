import { lazy, Suspense, useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { ApiError } from './api/problem';
import { AuthProvider } from './auth/auth';
import { RequireRole } from './auth/RequireRole';
import { Layout } from './components/Layout';
import { Loading, NotFound } from './components/ui';
import { HomePage } from './pages/shop/HomePage';
import { ListingPage } from './pages/shop/ListingPage';
import { ProductPage } from './pages/shop/ProductPage';
import { CartPage } from './pages/shop/CartPage';
import { CheckoutPage } from './pages/shop/CheckoutPage';
import { OrdersPage } from './pages/shop/OrdersPage';
import { OrderDetailPage } from './pages/shop/OrderDetailPage';
import { SignInPage } from './pages/account/SignInPage';
import { RegisterPage } from './pages/account/RegisterPage';
import { ForgotPasswordPage } from './pages/account/ForgotPasswordPage';
import { ResetPasswordPage } from './pages/account/ResetPasswordPage';
import { AccountPage } from './pages/account/AccountPage';

// The back office is its own bundle: shoppers never download it.
const AdminRoutes = lazy(() => import('./pages/admin/AdminRoutes'));

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will not change by asking again; network trouble and 5xx get two more tries.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
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
      { path: 'checkout', element: <RequireRole role="customer"><CheckoutPage /></RequireRole> },
      { path: 'orders', element: <RequireRole role="customer"><OrdersPage /></RequireRole> },
      { path: 'orders/:id', element: <RequireRole role="customer"><OrderDetailPage /></RequireRole> },
      { path: 'account', element: <RequireRole role="customer"><AccountPage /></RequireRole> },
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
      { path: 'reset-password', element: <ResetPasswordPage /> },
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
