import {
  can,
  notFound,
  type PidOwner,
  type ProcessList,
  type ProcessSignal,
  type ServiceAction,
  type ServiceInfo,
  type ServiceList,
} from '@berth/contracts';
import type { AuditNote } from '../audit/audit.service.js';
import type { Principal } from '../auth/auth.service.js';
import type { Hosts } from '../hosts/hosts.service.js';

/** What the audit log keeps of a service before and after a change. */
const stateOf = (s: ServiceInfo | undefined) =>
  s ? { active: s.active, sub: s.sub, boot: s.boot } : null;

/**
 * Processes and services inside instances, on the instance's host agent. A signal or a service
 * action is one command there, answered at once, so these are not tasks; each is audited by
 * the route with what it changed.
 */
export class ProcessesService {
  constructor(private readonly hosts: Hosts) {}

  async list(id: string): Promise<ProcessList> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).processes(instance.id);
  }

  async signal(id: string, pid: number, signal: ProcessSignal, note: AuditNote): Promise<void> {
    const instance = await this.hosts.findInstance(id);
    const client = this.hosts.client(instance.hostId);
    const target = (await client.processes(instance.id).catch(() => null))?.items.find(
      (p) => (instance.kind === 'ct' ? p.hostPid : p.pid) === pid,
    );
    note.targetId = instance.id;
    note.before = target
      ? { pid: target.pid, hostPid: target.hostPid, command: target.command, state: target.state }
      : null;
    await client.signalProcess(instance.id, pid, signal);
  }

  /** The instance a host process belongs to, if the caller may see that instance; else 404. */
  async owner(principal: Principal, hostId: string, pid: number): Promise<PidOwner> {
    const owner = await this.hosts.client(hostId).pidOwner(pid);
    const instance = await this.hosts.findInstance(owner.instanceId);
    if (!can(principal, 'instance.view', { hostId, tags: instance.tags })) {
      throw notFound(`an instance owning host process ${pid}`);
    }
    return { ...owner, hostId };
  }

  async services(id: string): Promise<ServiceList> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).services(instance.id);
  }

  async serviceAction(
    id: string,
    name: string,
    change: { action: ServiceAction } | { enabled: boolean },
    note: AuditNote,
  ): Promise<ServiceInfo> {
    const instance = await this.hosts.findInstance(id);
    const client = this.hosts.client(instance.hostId);
    const before = (await client.services(instance.id).catch(() => null))?.items.find(
      (s) => s.name === name,
    );
    note.targetId = instance.id;
    note.before = stateOf(before);
    const after =
      'action' in change
        ? await client.serviceAction(instance.id, name, change.action)
        : await client.serviceBoot(instance.id, name, change.enabled);
    note.after = stateOf(after);
    return after;
  }
}
