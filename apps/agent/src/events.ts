import type { AgentEvent } from '@berth/contracts';
import { EventBus as Bus } from '@berth/fastify-kit';

export class EventBus extends Bus<AgentEvent> {}
