import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, describeProblem, mayHaveBeenDone, shouldRetryQuery } from './problem';
import { RequestTimeoutError } from './timeout';
import { edgeProblem } from '../test/api';

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

describe('describeProblem', () => {
  // A 502 or 504 with no body of the edge's (a load balancer in front of it gave up, or one stripped the body) is
  // worded as the edge words its own, deploy/edge/nginx.conf.template: the request may still have been carried out.
  it.each([502, 504] as const)('words a bare %i as the edge words its own, and so does the tests\' stand-in for the edge', async (status) => {
    const template = readFileSync(resolve(__dirname, '../../../deploy/edge/nginx.conf.template'), 'utf8');
    const edgeBody = new RegExp(`return ${status} '([^']*)';`).exec(template)?.[1];
    expect(edgeBody).toBeDefined();
    const edgeDetail = (JSON.parse(edgeBody!) as { detail: string }).detail;
    expect(describeProblem(status, { status })).toBe(edgeDetail);
    expect(describeProblem(status, { status, title: status === 502 ? 'Bad Gateway' : 'Gateway Timeout' })).toBe(edgeDetail);
    expect(await edgeProblem(status).json()).toEqual(JSON.parse(edgeBody!));
  });
});
