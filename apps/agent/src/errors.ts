import { ErrorCode } from '@berth/contracts';

/** An error that carries the HTTP status and code the caller should see. */
export class AgentError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

export const notFound = (what: string) =>
  new AgentError(404, ErrorCode.notFound, `${what} not found`);
export const conflict = (message: string) => new AgentError(409, ErrorCode.conflict, message);
export const wrongState = (message: string) => new AgentError(409, ErrorCode.wrongState, message);
export const badRequest = (message: string) => new AgentError(400, ErrorCode.validation, message);
