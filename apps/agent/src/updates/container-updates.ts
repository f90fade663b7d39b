import type { ContainerUpdates as ContainerUpdatesView, Operation } from '@berth/contracts';
import { AppError, ErrorCode, unsupported } from '@berth/contracts';
import { DEFAULT_PATH } from '../drivers/lxc/lxc.js';
import type { Containers } from '../instances/containers.js';
import type { Instances } from '../instances/instances.js';
import { runLines } from '../run.js';
import { parseUpgradable, upgradeArgs, upgradeProgress } from './apt.js';

/** apt inside a container answers within this, or the container's network is the problem. */
const APT_UPDATE_MS = 5 * 60_000;

/** apt-get update's words when a source could not be fetched: it still exits 0. */
const FETCH_FAILED = /^(Err:|W: Failed to fetch|E: Failed to fetch|W: Some index files failed)/m;

/**
 * Packages inside Debian containers: apt run in the container through lxc-attach (argument
 * arrays, a clean environment). Listing refreshes the container's apt lists; updating is an
 * operation on the instance with apt's output in its log.
 */
export class ContainerUpdates {
  constructor(private readonly instances: Instances) {}

  private get containers(): Containers {
    return this.instances.containers;
  }

  /** The container's record when it is one that apt can serve, running. */
  private async debian(id: string) {
    const instance = await this.instances.get(id);
    if (instance.kind !== 'ct')
      throw unsupported('package updates are listed for Debian containers; a VM updates itself');
    const probe = await this.containers.exec(instance.id, {
      command: ['apt-get', '--version'],
      timeoutSeconds: 30,
    });
    if (probe.exitCode !== 0)
      throw unsupported(`${instance.name} has no apt-get: package updates need a Debian container`);
    return instance;
  }

  async list(id: string): Promise<ContainerUpdatesView> {
    const instance = await this.debian(id);
    // apt inside holds one lock: a listing beside an upgrade would only meet it.
    this.containers.busy.assertIdle(instance.id);
    const update = await this.containers.exec(instance.id, {
      command: ['apt-get', 'update'],
      timeoutSeconds: APT_UPDATE_MS / 1000,
    });
    const said = `${update.stdout}\n${update.stderr}`;
    if (update.timedOut || update.exitCode !== 0 || FETCH_FAILED.test(said))
      throw new AppError(
        ErrorCode.unavailable,
        `apt inside ${instance.name} cannot reach its archive (${unreachableWhy(said)}): ${tail(said)}`,
      );
    const listed = await this.containers.exec(instance.id, {
      command: ['apt', 'list', '--upgradable'],
      timeoutSeconds: 60,
    });
    return {
      instanceId: instance.id,
      checkedAt: new Date().toISOString(),
      packages: parseUpgradable(listed.stdout),
    };
  }

  /**
   * Upgrades the container's packages. Safe to repeat after a kill: dpkg's interrupted work is
   * finished first (dpkg --configure -a), then apt-get upgrades what is left.
   */
  async apply(id: string): Promise<Operation> {
    const instance = await this.debian(id);
    const ctid = instance.ctid!;
    const inside = (argv: string[]) =>
      this.containers.lxc.attachArgs(ctid, argv, {
        uid: 0,
        gid: 0,
        env: { PATH: DEFAULT_PATH, HOME: '/root', DEBIAN_FRONTEND: 'noninteractive' },
      });
    return this.containers.busy.start(
      instance.id,
      'instance.upgrade',
      async (progress, step) => {
        await step('ct.upgrade.dpkg');
        progress(2, 'finishing any interrupted dpkg work');
        await runLines('lxc-attach', inside(['dpkg', '--configure', '-a']), () => undefined);
        await step('ct.upgrade.update');
        progress(5, 'apt-get update');
        await runLines('lxc-attach', inside(['apt-get', 'update']), (line) => progress(5, line), {
          timeoutMs: APT_UPDATE_MS,
        });
        const listed = await this.containers.exec(instance.id, {
          command: ['apt', 'list', '--upgradable'],
          timeoutSeconds: 60,
        });
        const before = parseUpgradable(listed.stdout);
        await step('ct.upgrade.apply', { packages: before.length });
        let done = 0;
        await runLines(
          'lxc-attach',
          inside(['apt-get', ...upgradeArgs(false)]),
          (line) => {
            done += upgradeProgress(line, before.length) ?? 0;
            progress(10 + Math.min(1, done) * 88, line.slice(0, 300));
          },
          { timeoutMs: 60 * 60_000 },
        );
        return {
          upgraded: before.map((p) => ({ name: p.name, from: p.from, to: p.to })),
        };
      },
      { type: 'ct.upgrade', instance: instance.id },
    );
  }
}

const tail = (text: string) => text.trim().split('\n').slice(-4).join(' | ').slice(0, 600);

/** Names why a container's apt cannot fetch, from apt's own words. */
function unreachableWhy(said: string): string {
  if (/Temporary failure resolving|Could not resolve/.test(said))
    return 'no name resolution inside the container: check its DNS servers';
  if (/Network is unreachable|No route to host/.test(said))
    return 'no route out of the container: check its network, gateway and the host NAT';
  if (/Connection timed out|Connection failed|Could not connect/.test(said))
    return 'the archive does not answer from inside the container: check the host firewall and proxy';
  return 'apt-get update failed';
}

/** An upgrade the agent was killed in: the next apply finishes dpkg's work before anything else. */
export const settleContainerUpgrade = () =>
  'apt inside the container may have been interrupted: apply again, which first finishes what dpkg left (dpkg --configure -a)';
