import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { forbidden } from '@berth/contracts';
import { closeWithError } from '@berth/fastify-kit';
import { actorOf } from '../../plugins/auth.js';
import type { Admission, ConsolesService } from './consoles.service.js';

/**
 * The console WebSocket. The ticket is checked before the handler; a refusal still upgrades
 * and then closes with 4401/4403 and its reason, because a browser cannot read a refused
 * upgrade's answer.
 */
export async function consoleSocketRoutes(
  app: FastifyInstance,
  { consoles }: { consoles: ConsolesService },
) {
  const admitted = new WeakMap<FastifyRequest, Admission>();
  app.addHook('preValidation', async (req) => {
    // A plain HTTP 429 rather than a close code: the browser of someone knocking this often
    // is not one that needs to be told why.
    consoles.checkKnockRate(req.ip);
    admitted.set(
      req,
      await consoles.admit({
        params: req.params,
        query: req.query,
        origin: req.headers.origin,
        host: req.headers.host,
        requester: actorOf(req),
      }),
    );
  });

  app.get(
    '/api/v1/instances/:id/console/:kind',
    {
      websocket: true,
      config: { public: true },
      schema: {
        tags: ['consoles'],
        description:
          'The console WebSocket: open it with ?ticket=<one-time ticket>. vnc is raw RFB; serial raw bytes; shell has binary terminal bytes and JSON text control frames. A refusal (no, used or expired ticket: 4401; another instance or kind, foreign Origin: 4403; the instance stopped: 4409; too many consoles open for you or on this shell: 4429) closes the socket with that code and the reason.',
      },
    },
    (client: WebSocket, req) => {
      const admission = admitted.get(req) ?? { refused: forbidden('no console grant') };
      if ('refused' in admission) return closeWithError(client, admission.refused);
      // Counted here, in the same turn as the relay registers it (see capRefusal).
      const overCap = consoles.capRefusal(admission);
      if (overCap) closeWithError(client, overCap);
      else consoles.relay(client, admission);
    },
  );
}
