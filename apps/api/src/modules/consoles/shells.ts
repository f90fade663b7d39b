import type { FastifyBaseLogger } from 'fastify';
import type { CreateShell, ShellSession } from '@berth/contracts';
import { can, notFound } from '@berth/contracts';
import type { AuditNote } from '../audit/audit.service.js';
import type { Principal } from '../auth/auth.service.js';
import type { Hosts, Located } from '../hosts/hosts.service.js';
import { checkKind } from './console-kinds.js';

/** Shells are ended on logout by this tag, which the agent keeps beside each shell. */
export const loginOf = (p: { sessionId?: string | null; tokenId?: string | null }) =>
  p.sessionId ? `session:${p.sessionId}` : p.tokenId ? `token:${p.tokenId}` : null;

/**
 * Shell sessions in containers, kept by the agents. A user sees and uses the shells they
 * opened; an Administrator (who manages users, so could become any of them), everyone's.
 */
export class Shells {
  constructor(
    private readonly hosts: Hosts,
    private readonly log: FastifyBaseLogger,
  ) {}

  async list(p: Principal, id: string): Promise<{ items: ShellSession[] }> {
    return this.visible(p, await this.hosts.findInstance(id));
  }

  private visible(p: Principal, instance: Located): Promise<{ items: ShellSession[] }> {
    if (instance.kind !== 'ct') return Promise.resolve({ items: [] });
    return this.hosts
      .client(instance.hostId)
      .listShells(instance.id, can(p, 'user.manage') ? undefined : p.id);
  }

  async open(p: Principal, id: string, size: CreateShell, note: AuditNote): Promise<ShellSession> {
    const instance = await this.hosts.findInstance(id);
    checkKind(instance, 'shell');
    const shell = await this.hosts
      .client(instance.hostId)
      .openShell(instance.id, { ...size, ownerId: p.id, login: loginOf(p) });
    note.detail = { shellId: shell.id, program: shell.program, user: shell.user };
    return shell;
  }

  async end(p: Principal, id: string, shellId: string): Promise<void> {
    const instance = await this.hosts.findInstance(id);
    await this.owned(p, instance, shellId);
    await this.hosts.client(instance.hostId).endShell(instance.id, shellId);
  }

  /** Only the shell's owner (or an admin) may attach to it, end it or share it. */
  async owned(p: Principal, instance: Located, id: string): Promise<ShellSession> {
    const { items } = await this.visible(p, instance);
    const shell = items.find((s) => s.id === id);
    if (!shell) throw notFound(`shell session ${id} (it may have ended)`);
    return shell;
  }

  /** A login or token is over: every host ends the shells it opened. */
  endAllOf(login: string): void {
    for (const client of this.hosts.clients()) {
      client
        .endShellsOf(login)
        .catch((err: Error) => this.log.warn({ err, agent: client.url }, 'ending shells failed'));
    }
  }
}
