import type { ErrorBody } from '@berth/contracts';
import { takeBoot } from '../lib/boot';

export type ApiIssue = NonNullable<ErrorBody['error']['issues']>[number];

/** Every failed call: the HTTP status plus the API's own {error:{code,message,issues}}. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

export const API = '/api/v1';

/** Turns a non-2xx answer into an ApiError, keeping the status even when the body is not JSON. */
export function errorFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error && typeof body.error.message === 'string') {
      return new ApiError(status, body.error.code, body.error.message, body.error.issues ?? []);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, 'http_error', text || `HTTP ${status}`);
}

interface Options {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

export function url(path: string, query?: Options['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const s = qs.toString();
  return `${API}${path}${s ? `?${s}` : ''}`;
}

/**
 * The header every change made with the session cookie carries: the API refuses a change without
 * it (CSRF). Its value is the berth_csrf cookie, which only this origin's scripts can read.
 */
export function csrfHeader(): Record<string, string> {
  const token = /(?:^|;\s*)berth_csrf=([^;]*)/.exec(document.cookie)?.[1];
  return token ? { 'x-csrf-token': decodeURIComponent(token) } : {};
}

/** The one JSON transport: same-origin cookie, typed errors, 204 → undefined. */
export async function http<T>(path: string, opts: Options = {}): Promise<T> {
  let res: Response;
  const to = url(path, opts.query);
  const early = !opts.method || opts.method === 'GET' ? takeBoot(to) : undefined;
  try {
    res = await (early ??
      fetch(to, {
        method: opts.method ?? 'GET',
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(opts.method && opts.method !== 'GET' ? csrfHeader() : {}),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      }));
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'the server cannot be reached');
  }
  if (!res.ok) throw errorFrom(res.status, await res.text());
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
