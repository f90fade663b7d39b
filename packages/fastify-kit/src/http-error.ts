import { AppError, ErrorCode } from '@berth/contracts';

/**
 * The one place an error code becomes an HTTP status. Domain code throws AppError with a
 * code and never learns about HTTP; a code missing here is a server error.
 */
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.validation]: 400,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.totpRequired]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.csrf]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.wrongState]: 409,
  [ErrorCode.cancelled]: 409,
  [ErrorCode.unsupported]: 409,
  [ErrorCode.guestAgentUnavailable]: 409,
  [ErrorCode.gone]: 410,
  [ErrorCode.tooLarge]: 413,
  [ErrorCode.rateLimited]: 429,
  [ErrorCode.hostError]: 500,
  [ErrorCode.internal]: 500,
  [ErrorCode.agentUnreachable]: 502,
  [ErrorCode.agentRefused]: 502,
  [ErrorCode.unavailable]: 503,
  [ErrorCode.insufficientSpace]: 507,
};

export const statusOfCode = (code: string): number => STATUS[code as ErrorCode] ?? 500;

/** The HTTP status an error is answered with: its code's, or 500 for anything unexpected. */
export const statusOf = (err: unknown): number =>
  err instanceof AppError ? statusOfCode(err.code) : 500;
