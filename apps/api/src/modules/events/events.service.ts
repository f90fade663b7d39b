import type { ApiEvent } from '@berth/contracts';
import { EventBus } from '@berth/fastify-kit';

/** Instance states and task progress, for every open browser stream. */
export class ApiEvents extends EventBus<ApiEvent> {}
