import { exec, run } from '../run.js';
import { joinBridge } from './link.js';

/** A VM NIC's tap device, plugged into the bridge. Idempotent. */
export async function ensureTap(name: string, bridge: string): Promise<void> {
  if ((await exec('ip', ['link', 'show', 'dev', name])).code !== 0) {
    await run('ip', ['tuntap', 'add', 'dev', name, 'mode', 'tap']);
  }
  await joinBridge(name, bridge);
  await run('ip', ['link', 'set', 'dev', name, 'up']);
}

export async function removeTap(name: string): Promise<void> {
  await exec('ip', ['link', 'del', 'dev', name]);
}
