import type { PrismaClient, Host as HostRow } from '@berth/db';
import type { AgentEvent, Host, HostFacts, Instance, Operation } from '@berth/contracts';
import { notFound } from '@berth/contracts';
import type { ApiEvents } from '../events.js';
import { AgentClient } from './agent-client.js';

interface Connection {
  row: HostRow;
  client: AgentClient;
  online: boolean;
  error: string | null;
  abort: AbortController;
}

/**
 * The registry of hosts: one agent client and one followed event stream per host.
 * Agent events become API events; operations are handed to the task service.
 */
export class Hosts {
  private readonly connections = new Map<string, Connection>();
  private onOperation: (hostId: string, op: Operation) => void = () => {};
  private onConnect: (hostId: string) => void = () => {};

  constructor(
    private readonly db: PrismaClient,
    private readonly events: ApiEvents,
    private readonly log: (msg: string) => void,
  ) {}

  handleOperations(fn: (hostId: string, op: Operation) => void): void {
    this.onOperation = fn;
  }

  /** Called each time a host's event stream (re)opens: events sent while it was down are lost. */
  handleConnect(fn: (hostId: string) => void): void {
    this.onConnect = fn;
  }

  /** Registers the local agent as the first host, then connects to every host. */
  async init(localAgent: { url: string; token: string } | null): Promise<void> {
    if (localAgent) {
      const existing = await this.db.host.findFirst({ where: { isLocal: true } });
      if (existing) {
        await this.db.host.update({
          where: { id: existing.id },
          data: { url: localAgent.url, agentToken: localAgent.token },
        });
      } else {
        await this.db.host.create({
          data: { name: 'local', url: localAgent.url, agentToken: localAgent.token, isLocal: true },
        });
      }
    }
    for (const row of await this.db.host.findMany({ orderBy: { createdAt: 'asc' } }))
      this.connect(row);
  }

  close(): void {
    for (const c of this.connections.values()) c.abort.abort();
  }

  client(hostId: string): AgentClient {
    const c = this.connections.get(hostId);
    if (!c) throw notFound(`host ${hostId}`);
    return c.client;
  }

  /** The host to use when a request names none: the local one, else the first. */
  /** Every host's agent client, for requests that go to all of them. */
  clients(): AgentClient[] {
    return [...this.connections.values()].map((c) => c.client);
  }

  defaultHostId(): string {
    const all = [...this.connections.values()];
    const chosen = all.find((c) => c.row.isLocal) ?? all[0];
    if (!chosen) throw notFound('a host (none is registered)');
    return chosen.row.id;
  }

  async list(): Promise<Host[]> {
    return Promise.all(
      [...this.connections.values()].map(async (c) => {
        let facts: HostFacts | null = null;
        let error = c.error;
        try {
          facts = await c.client.facts();
        } catch (err) {
          error = (err as Error).message;
        }
        return {
          id: c.row.id,
          name: c.row.name,
          url: c.row.url,
          isLocal: c.row.isLocal,
          status: facts ? 'online' : 'offline',
          facts,
          error: facts ? null : error,
        } satisfies Host;
      }),
    );
  }

  /** Instances of every online host, each tagged with its host id. */
  async instances(): Promise<Instance[]> {
    const lists = await Promise.all(
      [...this.connections.values()].map(async (c) => {
        try {
          const { items } = await c.client.listInstances();
          return items.map((i) => ({ ...i, hostId: c.row.id }));
        } catch {
          return [];
        }
      }),
    );
    return lists.flat();
  }

  /**
   * Finds an instance by UUID or CT ID: each host is asked for that one instance, so
   * acting on one instance never lists every instance of every host.
   */
  async findInstance(idOrCtid: string): Promise<Instance & { hostId: string }> {
    const found = await Promise.all(
      [...this.connections.values()].map(async (c) => {
        try {
          return { ...(await c.client.getInstance(idOrCtid)), hostId: c.row.id };
        } catch {
          return null;
        }
      }),
    );
    const match = found.find((i) => i !== null);
    if (!match) throw notFound(`instance ${idOrCtid}`);
    return match;
  }

  private connect(row: HostRow): void {
    const connection: Connection = {
      row,
      client: new AgentClient(row.url, row.agentToken),
      online: false,
      error: null,
      abort: new AbortController(),
    };
    this.connections.set(row.id, connection);
    void this.follow(connection);
  }

  /** Keeps one event stream open per host, reconnecting with capped backoff. */
  private async follow(c: Connection): Promise<void> {
    let backoffMs = 250;
    while (!c.abort.signal.aborted) {
      try {
        await c.client.streamEvents(
          (event) => this.onAgentEvent(c, event),
          c.abort.signal,
          () => {
            backoffMs = 250;
            this.setOnline(c, true, null);
            this.onConnect(c.row.id);
          },
        );
        this.setOnline(c, false, 'event stream ended');
      } catch (err) {
        if (c.abort.signal.aborted) return;
        this.setOnline(c, false, (err as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, 5_000);
    }
  }

  private setOnline(c: Connection, online: boolean, error: string | null): void {
    c.error = error;
    if (c.online === online) return;
    c.online = online;
    if (!online) this.log(`host ${c.row.name} went offline: ${error}`);
    this.events.publish({
      type: 'host.status',
      hostId: c.row.id,
      status: online ? 'online' : 'offline',
      at: new Date().toISOString(),
    });
  }

  private onAgentEvent(c: Connection, event: AgentEvent): void {
    const hostId = c.row.id;
    switch (event.type) {
      case 'operation':
        this.onOperation(hostId, event.operation);
        break;
      case 'instance.state':
        this.events.publish({ ...event, hostId });
        break;
      case 'instance.updated':
        this.events.publish({ ...event, hostId, instance: { ...event.instance, hostId } });
        break;
      case 'instance.deleted':
        this.events.publish({ ...event, hostId });
        break;
    }
  }
}
