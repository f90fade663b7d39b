import type { FastifyInstance } from 'fastify';
import { InstanceRef, TaskAccepted } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { InstancesService } from './instances.service.js';

/** What only those trusted with privileged containers may do to them. */
export async function privilegedRoutes(
  app: FastifyInstance,
  { instances, tasks }: { instances: InstancesService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/instances/:id/unprivilege',
    {
      config: { permission: 'instance.privileged' },
      schema: {
        tags: ['instances'],
        description:
          'Make a stopped privileged container unprivileged: its files move to a fresh range of host ids (65,536 from 100000 up) and its LXC config gets the id map and confinement of new containers. 409 when it is running or unprivileged already.',
        params: InstanceRef,
        querystring: SyncQuery,
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.unprivilege',
        targetType: 'instance',
        targetId: req.params.id,
      };
      const task = await instances.unprivilege(principalOf(req).id, req.params.id);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
