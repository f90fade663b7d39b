import { readdir, readlink } from 'node:fs/promises';
import {
  AppError,
  ErrorCode,
  conflict,
  notFound,
  unsupported,
  type ServiceAction,
  type ServiceInfo,
  type ServiceList,
} from '@berth/contracts';
import type { Instances } from '../instances/instances.js';
import type { RunResult } from '../run.js';
import { parseSystemctl } from './systemctl-output.js';

/** Scripts in /etc/init.d that are the boot machinery, not services. */
const NOT_SERVICES = new Set(['rcS', 'rcK', 'rc', 'README', 'skeleton', 'functions']);
const ACTION_TIMEOUT_MS = 90_000;

/**
 * Services inside a running container: systemd units through `systemctl` inside (lxc-attach,
 * argument arrays; unit names are validated by the contract before they get here), or the
 * scripts of /etc/init.d where init is not systemd. Each action is one command inside, so a
 * crash leaves nothing half-done for Berth to repair.
 */
export class Services {
  constructor(private readonly instances: Instances) {}

  async list(id: string): Promise<ServiceList> {
    const { ctid, root, init } = await this.inside(id);
    if (init === 'systemd') {
      const [units, files] = await Promise.all([
        this.systemctl(ctid, ['list-units', '--type=service', '--all', '--plain', '--no-legend']),
        this.systemctl(ctid, ['list-unit-files', '--type=service', '--no-legend']),
      ]);
      return { init, items: parseSystemctl(units.stdout, files.stdout) };
    }
    if (init === 'none') return { init, items: [] };
    const scripts = await this.initScripts(root);
    const items = await Promise.all(scripts.map((s) => this.scriptInfo(ctid, root, s)));
    return { init, items };
  }

  async act(id: string, name: string, action: ServiceAction): Promise<ServiceInfo> {
    const { ctid, root, init } = await this.inside(id);
    if (init === 'systemd') {
      this.checked(await this.systemctl(ctid, [action, name], ACTION_TIMEOUT_MS), name);
      return this.one(id, name);
    }
    const script = await this.script(root, init, name);
    this.checked(await this.attach(ctid, [`/etc/init.d/${script}`, action]), name);
    return this.scriptInfo(ctid, root, script);
  }

  async setBoot(id: string, name: string, enabled: boolean): Promise<ServiceInfo> {
    const { ctid, root, init } = await this.inside(id);
    if (init === 'systemd') {
      const verb = enabled ? 'enable' : 'disable';
      this.checked(await this.systemctl(ctid, [verb, name], ACTION_TIMEOUT_MS), name);
      return this.one(id, name);
    }
    const script = await this.script(root, init, name);
    const result = await this.attach(ctid, [
      'update-rc.d',
      script,
      enabled ? 'defaults' : 'disable',
    ]);
    if (result.code === 127) {
      throw unsupported('the container has no update-rc.d to change what starts at boot');
    }
    this.checked(result, name);
    return this.scriptInfo(ctid, root, script);
  }

  private async one(id: string, name: string): Promise<ServiceInfo> {
    const found = (await this.list(id)).items.find((s) => s.name === name);
    if (!found) throw notFound(`service ${name}`);
    return found;
  }

  /** The running container, its root as the host sees it, and which init it runs. */
  private async inside(id: string) {
    if (this.instances.vms.has(id)) {
      throw unsupported('services are listed for containers; in a VM, run systemctl through exec');
    }
    const { record, pid } = await this.instances.containers.running(id);
    const root = `/proc/${pid}/root`;
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
    const init: ServiceList['init'] = /\/systemd$/.test(exe)
      ? 'systemd'
      : (await this.initScripts(root)).length > 0
        ? 'sysv'
        : 'none';
    return { ctid: record.ctid, root, init };
  }

  private async initScripts(root: string): Promise<string[]> {
    const entries = await readdir(`${root}/etc/init.d`).catch(() => [] as string[]);
    return entries.filter((e) => !NOT_SERVICES.has(e) && !e.startsWith('.')).sort();
  }

  /** The init script a unit name stands for (ssh.service → /etc/init.d/ssh). */
  private async script(root: string, init: ServiceList['init'], name: string): Promise<string> {
    const script = name.slice(0, -'.service'.length);
    if (init === 'none' || !(await this.initScripts(root)).includes(script)) {
      throw notFound(`service ${name}`);
    }
    return script;
  }

  /** An init script's state from its `status` (LSB: 0 running, 3 stopped) and rc2.d link. */
  private async scriptInfo(ctid: number, root: string, script: string): Promise<ServiceInfo> {
    const [status, links] = await Promise.all([
      this.attach(ctid, [`/etc/init.d/${script}`, 'status'], 15_000),
      readdir(`${root}/etc/rc2.d`).catch(() => null),
    ]);
    const active = status.code === 0 ? 'active' : status.code === 3 ? 'inactive' : 'unknown';
    const onBoot = links?.some((l) => /^S\d\d/.test(l) && l.slice(3) === script);
    return {
      name: `${script}.service`,
      description: `/etc/init.d/${script}`,
      active,
      sub: active === 'active' ? 'running' : active === 'inactive' ? 'dead' : 'unknown',
      boot: links === null ? null : onBoot ? 'enabled' : 'disabled',
    };
  }

  private systemctl(ctid: number, args: string[], timeoutMs = 30_000): Promise<RunResult> {
    return this.attach(ctid, ['systemctl', '--no-pager', ...args], timeoutMs);
  }

  private attach(ctid: number, argv: string[], timeoutMs = ACTION_TIMEOUT_MS): Promise<RunResult> {
    return this.instances.containers.lxc.attach(ctid, argv, { timeoutMs });
  }

  /**
   * A failed command inside: systemctl saying this very unit is unknown is a 404 (another unit
   * missing, say a dependency, is not); anything else a 409 with its words.
   */
  private checked(result: RunResult, name: string): void {
    if (result.code === 0 && !result.timedOut) return;
    const words = (result.stderr || result.stdout).trim().slice(-600);
    if (result.timedOut)
      throw new AppError(ErrorCode.hostError, `${name}: timed out inside the container`);
    const unit = name.replace(/[.]/g, '\\.');
    if (new RegExp(`Unit (file )?${unit} (not found|not loaded|does not exist)`).test(words)) {
      throw notFound(`service ${name}`);
    }
    throw conflict(`${name}: ${words || `exited ${result.code}`}`);
  }
}
