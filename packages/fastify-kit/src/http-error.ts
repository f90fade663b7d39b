import { ErrorCode } from '@berth/contracts';

/** An error that carries the HTTP status and code the caller should see. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request fields this error is about, so a form can show it beside them. */
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) =>
  new HttpError(404, ErrorCode.notFound, `${what} not found`);
const about = (message: string, field?: string) => (field ? [{ path: field, message }] : undefined);

export const conflict = (message: string, field?: string) =>
  new HttpError(409, ErrorCode.conflict, message, about(message, field));
export const wrongState = (message: string) => new HttpError(409, ErrorCode.wrongState, message);
export const badRequest = (message: string, field?: string) =>
  new HttpError(400, ErrorCode.validation, message, about(message, field));
export const unauthorized = (message = 'log in or send an API token') =>
  new HttpError(401, ErrorCode.unauthorized, message);
export const forbidden = (message: string) => new HttpError(403, ErrorCode.forbidden, message);
