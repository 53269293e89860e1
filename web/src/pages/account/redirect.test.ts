import { nextQuery, safeNext } from './redirect';

describe('safeNext', () => {
  it.each([
    ['/orders', '/orders'],
    ['/search?q=tea&page=2#results', '/search?q=tea&page=2#results'],
    ['/p/../account', '/account'],
  ])('keeps the same-site path %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    null,
    '',
    'orders',
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '/\t/evil.example/',
    'javascript:alert(1)',
    ' /orders',
  ])('sends %j home', (next) => {
    expect(safeNext(next)).toBe('/');
  });
});

describe('nextQuery', () => {
  it('carries a destination and leaves the home page out', () => {
    expect(nextQuery('/cart?x=1')).toBe('?next=%2Fcart%3Fx%3D1');
    expect(nextQuery('/')).toBe('');
  });
});
