import type { Task, Template, TemplateName } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** OS templates live on each host; building one is a task like any other. */
export class TemplatesService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async list(wantedHost?: string): Promise<Array<Template & { hostId: string }>> {
    const { hostId, client } = this.hosts.pick(wantedHost);
    const { items } = await client.templates();
    return items.map((t) => ({ ...t, hostId }));
  }

  exportCt(name: string, hostId?: string) {
    return this.hosts.pick(hostId).client.exportTemplate(name);
  }

  async importCt(
    name: string,
    body: ReadableStream<Uint8Array>,
    sizeBytes: number | null,
    wantedHost?: string,
  ): Promise<Template & { hostId: string }> {
    const { hostId, client } = this.hosts.pick(wantedHost);
    return { ...(await client.importTemplate(name, body, sizeBytes)), hostId };
  }

  async build(
    userId: string,
    name: TemplateName,
    opts: { rebuild: boolean; hostId?: string },
  ): Promise<Task> {
    const { hostId, client } = this.hosts.pick(opts.hostId);
    return this.tasks.track({ kind: 'template.build', hostId, instanceId: null, userId }, () =>
      client.buildTemplate(name, opts.rebuild),
    );
  }
}
