// Problem details (RFC 9457) as every Bazaar service writes them, turned into sentences a person can act on.
import { RequestTimeoutError, tooLateSentence } from './timeout';

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
}

/** An API call that did not succeed: the status, the service's problem details and the field messages. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;

  constructor(status: number, problem: ProblemDetails) {
    super(describeProblem(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Every field message keyed by field name (lower case), for forms that show them next to their inputs. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, messages] of Object.entries(this.problem.errors ?? {})) {
      if (messages.length) out[key.toLowerCase()] = messages.join(' ');
    }
    return out;
  }
}

/** The server's message for one field (the problem's errors keys are matched case-insensitively), if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields[field.toLowerCase()] : undefined;
}

const fallbackByStatus: Record<number, string> = {
  400: 'Something in the request was not right.',
  401: 'Please sign in to continue.',
  403: 'You do not have permission to do that.',
  404: 'We could not find that.',
  409: 'Someone else changed this at the same time. Reload and try again.',
  413: 'That file is too large.',
  422: 'That could not be done.',
  429: 'Too many attempts. Please wait a moment and try again.',
  503: 'The shop is busy right now. Please try again in a moment.',
  // The edge's own (or a load balancer's) answers when a service did not answer: the request may have been carried out.
  502: 'The shop did not answer. What you asked for may still have been done: check before trying again.',
  504: tooLateSentence,
};

/** Titles that only name the status (HTTP's reason phrases, ASP.NET's validation title): the status's own sentence says more. */
const saysOnlyTheStatus =
  /^(Bad Request|Unauthorized|Forbidden|Not Found|Conflict|Unprocessable Entity|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|One or more validation errors occurred\.?)$/i;

/** A server fault says nothing a person can act on, except that a change may have been made before it (see mayHaveBeenDone). */
const serverFault = 'Something went wrong on our side. If you were changing something, check whether it was done before trying again.';

/** One human sentence for the whole problem: the service's detail if it wrote one, else its title, else a default. */
export function describeProblem(status: number, problem: ProblemDetails): string {
  // A 500 says nothing a shopper can act on (in development its detail is the exception); a 503's is written for people.
  if (status === 500) return serverFault;
  const detail = problem.detail?.trim();
  if (detail) return detail;
  const fieldMessages = Object.values(problem.errors ?? {}).flat();
  if (fieldMessages.length === 1 && fieldMessages[0]) return fieldMessages[0];
  if (fieldMessages.length > 1) return 'Please correct the highlighted fields.';
  const title = problem.title?.trim();
  if (title && !saysOnlyTheStatus.test(title)) return title;
  return fallbackByStatus[status] ?? (status >= 500 ? serverFault : 'That did not work.');
}

/**
 * Whether a failed request may still have been carried out: its answer never came (the edge's 502 or 504, a timeout,
 * a lost connection), or the service failed part way (a 500 can come after its write, e.g. while pricing the answer).
 * A refusal the service wrote (4xx, or a 503 saying what was not done) says it was not.
 */
export function mayHaveBeenDone(error: unknown): boolean {
  return !(error instanceof ApiError) || (error.status >= 500 && error.status !== 503);
}

/**
 * A read that failed is asked twice more for network trouble and a 5xx; a 4xx will not change by asking again. One
 * that waited as long as the edge waits for a service (its 504) or longer (a timeout) is not repeated: the shopper decides.
 */
export function shouldRetryQuery(failures: number, error: unknown): boolean {
  if (error instanceof RequestTimeoutError || (error instanceof ApiError && (error.status < 500 || error.status === 504))) return false;
  return failures < 2;
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) {
    return 'We could not reach the shop, or its answer was lost. Check your connection; if you were changing something, check whether it was done before trying again.';
  }
  if (error instanceof RequestTimeoutError) return error.message;
  return 'Something went wrong. Please try again.';
}

export async function readProblem(response: Response): Promise<ProblemDetails> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await response.json()) as ProblemDetails;
    } catch {
      // fall through: a broken body still has a status
    }
  }
  return { status: response.status };
}
