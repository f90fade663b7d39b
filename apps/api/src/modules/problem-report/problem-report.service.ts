import { readFile } from 'node:fs/promises';
import { badRequest } from '@berth/contracts';
import type { PrismaClient } from '@berth/db';
import type { Hosts } from '../hosts/hosts.service.js';
import { knownSecrets, redact } from './redact.js';
import { tarGz } from './tar.js';

const TASKS_KEPT = 20;
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * A host's problem report: versions, facts, the agent's diagnostics (lxc-checkconfig, ip, nft,
 * the service journal), recent task logs and the chosen instances' configs, as a tar.gz. Every
 * file passes through redact() with every secret the console knows of before it is packed.
 */
export class ProblemReports {
  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
  ) {}

  async build(hostId: string, instanceIds: string[]): Promise<{ name: string; data: Buffer }> {
    const client = this.hosts.client(hostId);
    const [facts, diagnostics, apiPackage] = await Promise.all([
      client.facts(),
      client.diagnostics(),
      readFile(new URL('../../../package.json', import.meta.url), 'utf8').then(
        (t) => JSON.parse(t) as { version: string },
      ),
    ]);
    const instances = await Promise.all(
      instanceIds.map(async (id) => {
        const found = await this.hosts.findInstance(id);
        if (found.hostId !== hostId)
          throw badRequest(`instance ${id} is not on this host`, 'instanceIds');
        return found;
      }),
    );
    const tasks = await this.db.task.findMany({
      where: { hostId },
      orderBy: { createdAt: 'desc' },
      take: TASKS_KEPT,
    });
    const lines = await this.db.taskLogLine.findMany({
      where: { taskId: { in: tasks.map((t) => t.id) } },
      orderBy: [{ taskId: 'asc' }, { seq: 'asc' }],
    });
    const files = [
      {
        name: 'versions.json',
        text: json({
          api: apiPackage.version,
          agent: facts.agentVersion,
          node: process.version,
          lxc: facts.lxcVersion,
          qemu: facts.qemuVersion,
          kernel: facts.kernel,
        }),
      },
      { name: 'host-facts.json', text: json(facts) },
      ...diagnostics.items.map((d) => ({
        name: `diagnostics/${d.name}.txt`,
        text: `$ ${d.command.join(' ')}\n# exit ${d.exitCode}\n${d.stdout}${d.stderr ? `\n# stderr\n${d.stderr}` : ''}`,
      })),
      ...instances.map((i) => ({ name: `instances/${i.id}.json`, text: json(i) })),
      ...tasks.map((t) => ({
        name: `tasks/${t.createdAt.toISOString()}-${t.kind}-${t.id.slice(0, 8)}.log`,
        text: [
          json({
            ...t,
            result: t.result && JSON.parse(t.result),
            error: t.error && JSON.parse(t.error),
          }),
          ...lines
            .filter((l) => l.taskId === t.id)
            .map(
              (l) =>
                `${l.at.toISOString()} ${l.type} ${l.message}${l.command ? ` ${l.command}` : ''}`,
            ),
        ].join('\n'),
      })),
    ];
    const secrets = await knownSecrets(this.db, process.env);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return {
      name: `berth-problem-report-${facts.hostname}-${stamp}.tar.gz`,
      data: tarGz(files.map((f) => ({ name: f.name, text: redact(f.text, secrets) }))),
    };
  }
}
