import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '@berth/contracts';
import type { Instances } from '../instances/instances.js';

/**
 * The body of an upload sent raw (application/octet-stream, else a 400 saying what to send) and
 * the size its Content-Length declares, once `check` has passed. A refused upload is read to its
 * end first: an answer sent mid-upload reaches the client as a reset.
 */
export async function rawUpload(
  req: FastifyRequest,
  what: string,
  check: () => Promise<void>,
): Promise<{ body: Readable; declared: number | null }> {
  if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
    throw badRequest(`send ${what} as the raw body with content-type application/octet-stream`);
  }
  const body = req.body as Readable;
  await check().catch(async (err: unknown) => {
    await finished(body.resume()).catch(() => undefined);
    throw err;
  });
  const length = Number(req.headers['content-length']);
  return { body, declared: Number.isSafeInteger(length) && length > 0 ? length : null };
}

/** A check that the instance is a VM: an unknown id is a 404 from get, a container a 400 saying why. */
export function vmOnly(
  instances: Pick<Instances, 'vms' | 'get'>,
  why: string,
): (id: string) => Promise<void> {
  return async (id) => {
    if (instances.vms.has(id)) return;
    await instances.get(id);
    throw badRequest(why);
  };
}
