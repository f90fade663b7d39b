import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Kills the QEMU and deletes the taps of every VM record left in an agent's VM folder, once the
 * agent is stopped. A VM a test could not delete (an operation still ran on it) would otherwise
 * leave its taps: persistent devices that outlive QEMU and the bridge they were on.
 */
export async function tidyVmRemains(vmsDir: string): Promise<void> {
  for (const vm of await readdir(vmsDir).catch(() => [])) {
    const pid = Number(await readFile(path.join(vmsDir, vm, 'qemu.pid'), 'utf8').catch(() => '0'));
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // not running
      }
    }
    const record = await readFile(path.join(vmsDir, vm, 'vm.json'), 'utf8').catch(() => '{}');
    for (const nic of (JSON.parse(record) as { nics?: Array<{ tap: string }> }).nics ?? []) {
      try {
        execFileSync('ip', ['link', 'del', nic.tap], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  }
}
