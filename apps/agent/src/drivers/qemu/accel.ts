import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exec } from '../../run.js';

export type Accel = 'kvm' | 'tcg';

async function kvmOpens(): Promise<boolean> {
  try {
    await (await open('/dev/kvm', 'r+')).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * /dev/kvm opening read-write is not enough: on some nested hosts KVM accepts the VM
 * and then never gets the guest out of real mode. A working KVM prints Linux's
 * banner within seconds; failing that, TCG.
 */
export async function probeKvm(kernel: string, scratchDir: string): Promise<boolean> {
  if (!(await kvmOpens())) return false;
  const log = path.join(scratchDir, `kvm-probe-${process.pid}.log`);
  try {
    // No initrd: the kernel panics at once looking for a root fs, and -no-reboot ends QEMU.
    await exec(
      'qemu-system-x86_64',
      ['-accel', 'kvm', '-m', '128', '-display', 'none', '-monitor', 'none', '-no-reboot'].concat([
        '-serial',
        `file:${log}`,
        '-kernel',
        kernel,
        '-append',
        'console=ttyS0 panic=-1',
      ]),
      { timeoutMs: 15_000 },
    );
    return /Linux version/.test(await readFile(log, 'utf8').catch(() => ''));
  } finally {
    await rm(log, { force: true });
  }
}

/**
 * Which accelerator VMs get: the one forced by configuration, else KVM once a real kernel
 * has booted under it, else TCG. The verdict is kept on disk, so the probe runs once per host.
 */
export class Accelerator {
  private verdict: { accel: Accel; reason: string } | null = null;

  constructor(
    private readonly stateFile: string,
    private readonly forced: Accel | 'auto',
  ) {}

  async load(): Promise<void> {
    if (this.forced !== 'auto') {
      this.verdict = { accel: this.forced, reason: 'set by BERTH_AGENT_ACCEL' };
      return;
    }
    if (!(await kvmOpens())) {
      this.verdict = { accel: 'tcg', reason: '/dev/kvm is not usable' };
      return;
    }
    this.verdict = JSON.parse(
      await readFile(this.stateFile, 'utf8').catch(() => 'null'),
    ) as typeof this.verdict;
  }

  get current(): Accel {
    return this.verdict?.accel ?? 'tcg';
  }

  /** Decides with a test boot of `kernel` when nothing decided yet. */
  async settle(kernel: string | null): Promise<Accel> {
    if (this.verdict || !kernel) return this.current;
    const works = await probeKvm(kernel, path.dirname(this.stateFile));
    this.verdict = works
      ? { accel: 'kvm', reason: 'a test kernel booted under KVM' }
      : { accel: 'tcg', reason: '/dev/kvm opens but a test kernel did not boot under it' };
    await writeFile(this.stateFile, JSON.stringify(this.verdict));
    return this.verdict.accel;
  }
}
