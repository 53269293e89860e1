import { render, screen, within } from '@testing-library/react';
import { DataTable } from './ui';

test('a data table names itself, right-aligns number columns, hides what is only for screen readers and leaves out false columns', () => {
  render(
    <DataTable caption="Stock of three SKUs" columns={['SKU', { label: 'Available', num: true }, { label: 'Actions', hidden: true }, false]}>
      <tr>
        <td>SHOE-42</td>
        <td className="num">3</td>
        <td>
          <button type="button">Adjust</button>
        </td>
      </tr>
    </DataTable>,
  );

  const table = screen.getByRole('table', { name: 'Stock of three SKUs' });
  const headings = within(table).getAllByRole('columnheader');
  expect(headings.map((h) => h.textContent)).toEqual(['SKU', 'Available', 'Actions']);
  expect(within(table).getByRole('columnheader', { name: 'Available' })).toHaveClass('num');
  expect(within(table).getByRole('columnheader', { name: 'SKU' })).not.toHaveClass('num');
  expect(within(table).getByText('Actions')).toHaveClass('visually-hidden');
  expect(within(table).getAllByRole('row')).toHaveLength(2);
});
