import { ErrorCode } from '@berth/contracts';

/** An error the API answers with its own status and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) =>
  new ApiError(404, ErrorCode.notFound, `${what} not found`);
export const unauthorized = (message = 'log in or send an API token') =>
  new ApiError(401, ErrorCode.unauthorized, message);
export const forbidden = (message: string) => new ApiError(403, ErrorCode.forbidden, message);
export const badRequest = (message: string) => new ApiError(400, ErrorCode.validation, message);
