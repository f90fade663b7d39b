import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ErrorCode, RateLimitedError, type ErrorBody } from '@berth/contracts';
import { statusOf } from './http-error.js';

export function errorBody(
  code: string,
  message: string,
  issues?: ErrorBody['error']['issues'],
): ErrorBody {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

/**
 * One error envelope for every 4xx/5xx: validation errors list each bad field, coded
 * errors keep their status, and anything unexpected is a 500 that is logged.
 */
export function installErrorHandler(
  app: FastifyInstance,
  opts: {
    /** Answers unknown paths outside /api (a web UI's own 404 page); API paths always get JSON. */
    pageNotFound?: (request: FastifyRequest, reply: FastifyReply) => unknown;
  } = {},
): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    // An error answered before a streamed body was read (an upload refused up front) leaves
    // the rest of that body on the connection: close it, or the next request behind it hangs.
    if (!request.raw.complete) reply.header('connection', 'close');
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.flatMap((v) => {
        const at = `${(v as { instancePath?: string }).instancePath ?? ''}`
          .replace(/^\//, '')
          .replace(/\//g, '.');
        // A strict schema names the fields it does not know; each gets its own issue.
        const unknown = (v.params as { keys?: unknown } | undefined)?.keys;
        if (Array.isArray(unknown) && v.schemaPath?.endsWith('/unrecognized_keys')) {
          return unknown.map((key) => ({
            path: at ? `${at}.${String(key)}` : String(key),
            message: `unknown field "${String(key)}"`,
          }));
        }
        return [{ path: at || '(root)', message: v.message ?? 'invalid' }];
      });
      const where = (err as { validationContext?: string }).validationContext ?? 'request';
      const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return reply
        .status(400)
        .send(errorBody(ErrorCode.validation, `invalid ${where}: ${summary}`, issues));
    }
    if (err instanceof AppError) {
      const status = statusOf(err);
      if (status >= 500) request.log.error({ err }, err.message);
      if (err instanceof RateLimitedError)
        reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.status(status).send(errorBody(err.code, err.message, err.issues));
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own 4xx: malformed JSON, body too large, wrong content type.
      return reply.status(status).send(errorBody(ErrorCode.validation, err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send(errorBody(ErrorCode.internal, 'internal error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) =>
    opts.pageNotFound && !request.url.startsWith('/api')
      ? opts.pageNotFound(request, reply)
      : reply
          .status(404)
          .send(errorBody(ErrorCode.notFound, `no route ${request.method} ${request.url}`)),
  );
}
