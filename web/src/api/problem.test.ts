import { ApiError, mayHaveBeenDone, shouldRetryQuery } from './problem';
import { RequestTimeoutError } from './timeout';

const failed = (status: number) => new ApiError(status, { status });

describe('mayHaveBeenDone', () => {
  it('holds for an answer that never came or a fault part way (500), not for a refusal a service wrote', () => {
    expect([500, 502, 504].map((s) => mayHaveBeenDone(failed(s)))).toEqual([true, true, true]);
    expect(mayHaveBeenDone(new RequestTimeoutError())).toBe(true);
    expect(mayHaveBeenDone(new TypeError('Failed to fetch'))).toBe(true);
    expect([400, 404, 409, 422, 503].map((s) => mayHaveBeenDone(failed(s)))).toEqual([false, false, false, false, false]);
  });
});

describe('shouldRetryQuery', () => {
  it('asks twice more after network trouble or a 5xx the service answered at once', () => {
    for (const error of [new TypeError('Failed to fetch'), failed(500), failed(502), failed(503)]) {
      expect([0, 1, 2].map((failures) => shouldRetryQuery(failures, error))).toEqual([true, true, false]);
    }
  });

  it('does not repeat a 4xx, nor a read that already waited as long as the edge waits (504) or longer (a timeout)', () => {
    for (const error of [failed(400), failed(404), failed(504), new RequestTimeoutError()]) expect(shouldRetryQuery(0, error)).toBe(false);
  });
});
