import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient, Host as HostRow } from '@berth/db';
import type { AgentEvent, Host, HostFacts, Instance, Leftover, Operation } from '@berth/contracts';
import { ErrorCode, isAppError, notFound } from '@berth/contracts';
import type { ApiEvents } from '../events/events.service.js';
import type { AgentApi, ConnectAgent } from './agent-api.js';
import { isUnavailable } from '../../database/unavailable.js';
import { InstanceIndex } from './instance-index.js';

export type Located = Instance & { hostId: string };

interface Connection {
  row: HostRow;
  client: AgentApi;
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
  private readonly index = new InstanceIndex();
  private onOperation: (hostId: string, op: Operation) => void = () => {};
  private onConnect: (hostId: string) => void = () => {};

  constructor(
    private readonly db: PrismaClient,
    private readonly events: ApiEvents,
    private readonly log: FastifyBaseLogger,
    private readonly connectAgent: ConnectAgent,
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
        // A start while the database cannot write still serves reads, with the agent it knew.
        await this.db.host
          .update({
            where: { id: existing.id },
            data: { url: localAgent.url, agentToken: localAgent.token },
          })
          .catch((err: unknown) => {
            if (!isUnavailable(err)) throw err;
            this.log.warn({ err }, 'local agent address not saved');
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

  client(hostId: string): AgentApi {
    const c = this.connections.get(hostId);
    if (!c) throw notFound(`host ${hostId}`);
    return c.client;
  }

  /** Every host's agent client, for requests that go to all of them. */
  clients(): AgentApi[] {
    return [...this.connections.values()].map((c) => c.client);
  }

  /** The host a request names, or when it names none the local one, else the first. */
  pick(hostId?: string): { hostId: string; client: AgentApi } {
    const id = hostId ?? this.defaultHostId();
    return { hostId: id, client: this.client(id) };
  }

  /** Notes where a new instance lives before its first event arrives. */
  placed(hostId: string, instanceId: string): void {
    this.index.remember(hostId, { id: instanceId, ctid: null });
  }

  private defaultHostId(): string {
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

  /** What the host's agent moved aside after interrupted work, for someone to look at. */
  leftovers(hostId: string): Promise<{ items: Leftover[] }> {
    return this.client(hostId).leftovers();
  }

  deleteLeftover(hostId: string, id: string): Promise<void> {
    return this.client(hostId).deleteLeftover(id);
  }

  /** Instances of every online host, each tagged with its host id. */
  async instances(): Promise<Instance[]> {
    const lists = await Promise.all(
      [...this.connections.values()].map(async (c) => {
        try {
          const { items } = await c.client.listInstances();
          for (const i of items) this.index.remember(c.row.id, i);
          return items.map((i) => ({ ...i, hostId: c.row.id }));
        } catch {
          return [];
        }
      }),
    );
    return lists.flat();
  }

  /**
   * Finds an instance by UUID or CT ID: the host that last held it is asked first, and only
   * when it does not know the instance (or none is remembered) is every host asked.
   */
  async findInstance(idOrCtid: string): Promise<Located> {
    const known = this.index.hostOf(idOrCtid);
    const c = known ? this.connections.get(known) : undefined;
    if (c) {
      const found = await this.askOne(c, idOrCtid);
      if (found) return found;
    }
    const found = await Promise.all(
      [...this.connections.values()].filter((o) => o !== c).map((o) => this.askOne(o, idOrCtid)),
    );
    const match = found.find((i) => i !== null);
    if (!match) throw notFound(`instance ${idOrCtid}`);
    return match;
  }

  /** One host's answer for one instance; a host that cannot answer counts as not holding it. */
  private async askOne(c: Connection, idOrCtid: string): Promise<Located | null> {
    try {
      const instance = await c.client.getInstance(idOrCtid);
      this.index.remember(c.row.id, instance);
      return { ...instance, hostId: c.row.id };
    } catch (err) {
      // Only this host's own entry is stale: another host may just have claimed the instance.
      if (isAppError(err) && err.code === ErrorCode.notFound) {
        if (this.index.hostOf(idOrCtid) === c.row.id) this.index.forget(idOrCtid);
      } else this.log.debug({ host: c.row.name, err }, 'instance lookup failed');
      return null;
    }
  }

  private connect(row: HostRow): void {
    const connection: Connection = {
      row,
      client: this.connectAgent(row),
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
    if (online) this.log.info({ host: c.row.name }, 'host online');
    else this.log.warn({ host: c.row.name, error }, 'host went offline');
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
        this.index.remember(hostId, event.instance);
        this.events.publish({ ...event, hostId, instance: { ...event.instance, hostId } });
        break;
      case 'instance.deleted':
        this.index.forget(event.instanceId);
        this.events.publish({ ...event, hostId });
        break;
    }
  }
}
