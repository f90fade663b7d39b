import type {
  HostUpdates as HostUpdatesView,
  Operation,
  UpgradablePackage,
} from '@berth/contracts';
import { conflict } from '@berth/contracts';
import { AGENT_VERSION } from '../facts.js';
import { KeyedLock } from '../locks.js';
import type { Operations } from '../operations.js';
import { exec, run, runLines } from '../run.js';
import { assertFreeSpace } from '../storage/free-space.js';
import { parseUpgradable, upgradeArgs, upgradeProgress } from './apt.js';

/** Operation kinds an upgrade must not run beside: they need the host's packages to hold still. */
const EXCLUSIVE = /^(host\.upgrade|instance\.migrate|backup\.)/;
/** What apt downloads and unpacks in one upgrade, checked before it starts. */
const UPGRADE_ROOM_BYTES = 512 * 1024 * 1024;
const APT_ARCHIVES = '/var/cache/apt/archives';
/** apt-get run with no questions asked; HOST_ENV carries no DEBIAN_FRONTEND of its own. */
const NONINTERACTIVE = 'DEBIAN_FRONTEND=noninteractive';

/** The host programs used: BERTH_AGENT_APT_GET and BERTH_AGENT_APT replace them in tests. */
export interface AptPrograms {
  aptGet: string;
  apt: string;
}

export const aptPrograms = (env: Record<string, string | undefined>): AptPrograms => ({
  aptGet: env.BERTH_AGENT_APT_GET ?? 'apt-get',
  apt: env.BERTH_AGENT_APT ?? 'apt',
});

/**
 * The host's own updates: Berth's version, apt's upgradable packages (listing only changes apt's
 * package lists) and applying them as a journaled operation whose log carries apt's output.
 */
export class HostUpdates {
  private checkedAt: string | null = null;
  private error: string | null = null;
  /** apt takes one lock: a refresh and an upgrade never run at once. */
  private readonly apt = new KeyedLock();

  constructor(
    private readonly operations: Operations,
    private readonly programs: AptPrograms,
  ) {}

  private applying(): Operation | undefined {
    return this.operations
      .list()
      .find((op) => op.status === 'running' && op.kind === 'host.upgrade');
  }

  private async upgradable(): Promise<UpgradablePackage[]> {
    const { stdout } = await run(this.programs.apt, ['list', '--upgradable']);
    return parseUpgradable(stdout);
  }

  async status(refresh: boolean): Promise<HostUpdatesView> {
    if (refresh) {
      const running = this.applying();
      if (running)
        throw conflict(`an upgrade is running (operation ${running.id}): refresh after it`);
      await this.apt.with('apt', async () => {
        const res = await exec(this.programs.aptGet, ['update'], { timeoutMs: 5 * 60_000 });
        this.checkedAt = new Date().toISOString();
        // apt-get update exits 0 even when a source cannot be reached; its W:/E: lines say so.
        const said = res.stderr
          .split('\n')
          .filter((l) => /^(E|W|Err):/.test(l.trim()))
          .join('\n')
          .trim();
        this.error = res.code === 0 && !said ? null : said || `apt-get update exited ${res.code}`;
      });
    }
    return {
      berthVersion: AGENT_VERSION,
      checkedAt: this.checkedAt,
      packages: await this.upgradable(),
      error: this.error,
      applying: this.applying()?.id ?? null,
    };
  }

  /** Refused while another upgrade, a migration or a backup runs on this host. */
  async apply(simulate: boolean): Promise<Operation> {
    const blocking = this.operations
      .list()
      .find((op) => op.status === 'running' && EXCLUSIVE.test(op.kind));
    if (blocking)
      throw conflict(
        `${blocking.kind} is running on this host (operation ${blocking.id}): upgrade after it ends`,
      );
    if (!simulate) await assertFreeSpace(APT_ARCHIVES, UPGRADE_ROOM_BYTES, 'the upgrade');
    const total = (await this.upgradable()).length;
    return this.operations.start(
      'host.upgrade',
      null,
      (progress, step) =>
        this.apt.with('apt', async () => {
          await step('host.upgrade.run', { packages: total });
          progress(2, `${simulate ? 'simulating the upgrade of' : 'upgrading'} ${total} packages`);
          let done = 0;
          await runLines(
            'env',
            [NONINTERACTIVE, this.programs.aptGet, ...upgradeArgs(simulate)],
            (line) => {
              done += upgradeProgress(line, total) ?? 0;
              progress(2 + Math.min(1, done) * 95, line.slice(0, 300));
            },
            { timeoutMs: 60 * 60_000 },
          );
          const left = await this.upgradable();
          return { simulate, packages: total, remaining: left.length };
        }),
      { type: 'host.upgrade', simulate },
    );
  }
}

/**
 * An upgrade the agent was killed in: dpkg may have unpacked packages it never configured, and
 * `dpkg --configure -a` finishes them (idempotent). A simulation changed nothing.
 */
export async function settleHostUpgrade(simulate: boolean): Promise<string> {
  if (simulate) return 'it was a simulation and changed nothing';
  const res = await exec('env', [NONINTERACTIVE, 'dpkg', '--configure', '-a'], {
    timeoutMs: 30 * 60_000,
  });
  return res.code === 0
    ? 'dpkg finished configuring what it had unpacked (dpkg --configure -a); apply again for the rest'
    : `dpkg --configure -a exited ${res.code}: ${res.stderr.trim().slice(-300)}; run it on the host`;
}
