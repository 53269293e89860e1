// The back office: one layout with its own navigation, and a route per desk. Admins change things; support staff
// get the same pages read-only.
import { NavLink, Route, Routes } from 'react-router';
import { NotFound } from '../../components/ui';
import { useCanEdit } from './hooks';
import { DashboardPage } from './DashboardPage';
import { CategoriesPage } from './catalog/CategoriesPage';
import { ProductsPage } from './catalog/ProductsPage';
import { NewProductPage } from './catalog/NewProductPage';
import { ProductEditPage } from './catalog/ProductEditPage';
import { InventoryPage } from './catalog/InventoryPage';
import { OrdersPage } from './orders/OrdersPage';
import { OrderDetailPage } from './orders/OrderDetailPage';
import { CustomersPage } from './customers/CustomersPage';
import { RiskRulesPage } from './risk/RiskRulesPage';
import { AssessmentsPage } from './risk/AssessmentsPage';
import { AssessmentDetailPage } from './risk/AssessmentDetailPage';
import { ReviewsPage } from './reviews/ReviewsPage';

const sections: { to: string; label: string; end?: boolean }[] = [
  { to: '/admin', label: 'Dashboard', end: true },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/products', label: 'Products' },
  { to: '/admin/categories', label: 'Categories' },
  { to: '/admin/inventory', label: 'Inventory' },
  { to: '/admin/customers', label: 'Customers' },
  { to: '/admin/risk/rules', label: 'Risk rules' },
  { to: '/admin/risk/assessments', label: 'Risk assessments' },
  { to: '/admin/reviews', label: 'Reviews' },
];

function AdminNav() {
  return (
    <nav className="admin-nav" aria-label="Back office">
      <ul>
        {sections.map((section) => (
          <li key={section.to}>
            <NavLink to={section.to} end={section.end}>
              {section.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export default function AdminRoutes() {
  const canEdit = useCanEdit();
  return (
    <div className="admin">
      <AdminNav />
      <div className="admin-content">
        {!canEdit && <p className="notice">You have read-only access: support staff can look, only admins can change.</p>}
        <Routes>
          <Route index element={<DashboardPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:id" element={<OrderDetailPage />} />
          <Route path="products" element={<ProductsPage />} />
          <Route path="products/new" element={<NewProductPage />} />
          <Route path="products/:id" element={<ProductEditPage />} />
          <Route path="categories" element={<CategoriesPage />} />
          <Route path="inventory" element={<InventoryPage />} />
          <Route path="customers" element={<CustomersPage />} />
          <Route path="risk/rules" element={<RiskRulesPage />} />
          <Route path="risk/assessments" element={<AssessmentsPage />} />
          <Route path="risk/assessments/:id" element={<AssessmentDetailPage />} />
          <Route path="reviews" element={<ReviewsPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </div>
    </div>
  );
}
