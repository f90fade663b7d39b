import type { FastifyInstance } from 'fastify';
import { ApiEvent } from '@berth/contracts';
import { openEventStream } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import type { ApiEvents } from './events.service.js';

const EVENT_TYPES = ApiEvent.options.map((o) => o.shape.type.value).join(', ');

export async function eventRoutes(app: FastifyInstance, { events }: { events: ApiEvents }) {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        description: `Server-sent events; each data line is a JSON event of type ${EVENT_TYPES}`,
      },
    },
    (req, reply) => {
      requireRole(req, 'viewer');
      let unsubscribe = () => {};
      const send = openEventStream(req, reply, () => unsubscribe());
      unsubscribe = events.subscribe((event) => send(event));
    },
  );
}
