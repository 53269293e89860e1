// The checkout's Idempotency-Key lives with the attempt: the same order again gets the same key, wherever it is kept.
import { vi } from 'vitest';
import { attemptAnswered, attemptKey, earlierAttempt, endAttempt } from './checkoutAttempt';

const order = { shippingMethod: 'standard', paymentToken: 'tok_1' };

beforeEach(() => endAttempt()); // the attempt kept in memory (storage is cleared after every test by src/test/setup.ts)
afterEach(() => vi.restoreAllMocks());

describe('checkout attempts', () => {
  it('keeps one key per attempt in memory when sessionStorage refuses it', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('storage is disabled', 'SecurityError');
    });

    const first = attemptKey(order, 'MUG-1×1');

    expect(attemptKey(order, 'MUG-1×1')).toBe(first); // a retry: the same key
    expect(earlierAttempt({ ...order, paymentToken: 'tok_2' }, 'MUG-1×1')?.key).toBe(first); // another card: ask about it first
    endAttempt();
    expect(attemptKey(order, 'MUG-1×1')).not.toBe(first);
  });

  it('keeps the newer attempt in memory when storage is full and still holds an older one', () => {
    const older = attemptKey({ ...order, paymentToken: 'tok_old' }, 'MUG-1×1'); // stored
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    });

    const first = attemptKey(order, 'MUG-1×1');

    expect(first).not.toBe(older);
    expect(attemptKey(order, 'MUG-1×1')).toBe(first); // a retry: the same key, not a new one after the stored attempt
  });

  it('counts the minute a request may still be at work from its last sending, and not at all once ordering answered', () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000_000);
    attemptKey(order, 'MUG-1×1');
    now.mockReturnValue(1_090_000);
    attemptKey(order, 'MUG-1×1'); // retried 90 s later

    expect(earlierAttempt({ ...order, paymentToken: 'tok_2' }, 'MUG-1×1')?.startedAt).toBe(1_090_000);
    attemptAnswered();
    expect(earlierAttempt({ ...order, paymentToken: 'tok_2' }, 'MUG-1×1')?.startedAt).toBe(0);
  });
});
