// The dashboard reads today's figures through the generated ordering client.
import { screen, within } from '@testing-library/react';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { DashboardPage } from './DashboardPage';
import { localMidnight } from './summary';
import type { OrderSummaryReport } from './types';

const summaryRoute = 'GET /api/v1/admin/orders/summary';

function renderDashboard(summary: () => Response) {
  const api = mockApi({
    [summaryRoute]: summary,
    'GET /api/v1/admin/inventory': () => json({ items: [], nextCursor: null }),
  });
  return { api, view: renderWithProviders(<DashboardPage />, { session: authResponse({ roles: ['admin'] }), route: '/admin' }) };
}

describe('DashboardPage', () => {
  it('asks for the figures since local midnight and shows them', async () => {
    const report: OrderSummaryReport = {
      since: localMidnight().toISOString(),
      orders: 7,
      revenue: [{ currency: 'EUR', amount: 12345 }],
      byStatus: [
        { status: 'confirmed', count: 4 },
        { status: 'on_hold', count: 2 },
      ],
    };
    const { api } = renderDashboard(() => json(report));

    const orders = (await screen.findByRole('heading', { name: 'Orders today' })).parentElement!;
    expect(within(orders).getByText('7')).toBeInTheDocument();
    const queue = screen.getByRole('heading', { name: 'Risk review queue' }).parentElement!;
    expect(within(queue).getByText('2')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Confirmed' })).toHaveAttribute('href', '/admin/orders?status=confirmed');

    const call = api.callsTo(summaryRoute)[0];
    expect(call?.url.searchParams.get('since')).toBe(localMidnight().toISOString());
  });

  it("shows the service's refusal as an error", async () => {
    renderDashboard(() => problem(400, { title: 'Bad request', detail: 'since must be in the past.' }));

    expect(await screen.findByText(/since must be in the past/)).toBeInTheDocument();
  });
});
