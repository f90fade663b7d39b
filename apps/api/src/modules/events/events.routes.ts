import type { FastifyInstance } from 'fastify';
import { ApiEvent } from '@berth/contracts';
import { openEventStream } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Auth } from '../auth/auth.service.js';
import type { Visibility } from '../auth/visibility.js';
import type { ApiEvents } from './events.service.js';

const EVENT_TYPES = ApiEvent.options.map((o) => o.shape.type.value).join(', ');

export async function eventRoutes(
  app: FastifyInstance,
  { events, auth, visibility }: { events: ApiEvents; auth: Auth; visibility: Visibility },
) {
  app.get(
    '/api/v1/events',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['events'],
        description: `Server-sent events about what the caller may see; each data line is a JSON event of type ${EVENT_TYPES}. The stream ends when the login or token behind it does.`,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const visible = await visibility.events(p);
      const cleanups: Array<() => void> = [];
      const stop = () => {
        for (const c of cleanups.splice(0)) c();
      };
      const send = openEventStream(req, reply, stop);
      cleanups.push(
        events.subscribe((event) => {
          if (visible(event)) send(event);
        }),
        auth.onCredentialEnded((ended) => {
          const mine =
            (!!ended.sessionId && ended.sessionId === p.sessionId) ||
            (!!ended.tokenId && ended.tokenId === p.tokenId);
          if (!mine) return;
          stop();
          reply.raw.end();
        }),
      );
    },
  );
}
