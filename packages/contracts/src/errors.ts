import { ErrorCode } from './common.js';

export interface ErrorIssue {
  path: string;
  message: string;
}

/**
 * A domain error: what went wrong in words and a stable code, never an HTTP status.
 * The transport (Fastify's error handler, a WebSocket close) maps the code to its own terms,
 * so the agent's and the API's domain code can be used from anywhere.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request fields this error is about, so a form can show it beside them. */
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;

const about = (message: string, field?: string) => (field ? [{ path: field, message }] : undefined);

export const notFound = (what: string) => new AppError(ErrorCode.notFound, `${what} not found`);
export const conflict = (message: string, field?: string) =>
  new AppError(ErrorCode.conflict, message, about(message, field));
export const wrongState = (message: string) => new AppError(ErrorCode.wrongState, message);
export const badRequest = (message: string, field?: string) =>
  new AppError(ErrorCode.validation, message, about(message, field));
export const unauthorized = (message = 'log in or send an API token') =>
  new AppError(ErrorCode.unauthorized, message);
export const totpRequired = () =>
  new AppError(
    ErrorCode.totpRequired,
    'enter the code from your authenticator app (or a recovery code)',
  );
export const forbidden = (message: string) => new AppError(ErrorCode.forbidden, message);
export const unsupported = (message: string) => new AppError(ErrorCode.unsupported, message);
export const gone = (message: string) => new AppError(ErrorCode.gone, message);
export const unavailable = (message: string) => new AppError(ErrorCode.unavailable, message);
export const cancelled = (message: string) => new AppError(ErrorCode.cancelled, message);

/** Too many attempts: the transport tells the caller when to come back (HTTP's Retry-After). */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(ErrorCode.rateLimited, message);
    this.name = 'RateLimitedError';
  }
}
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new RateLimitedError(message, Math.max(1, Math.ceil(retryAfterSeconds)));
