import { run } from '../run.js';

/** The host end of an adapter (a container's veth) up or down: a cable plugged in or pulled. */
export async function setHostLink(ifname: string, state: 'up' | 'down'): Promise<void> {
  await run('ip', ['link', 'set', 'dev', ifname, state]);
}

/** An adapter's host end (a VM's tap, a container's veth) onto a bridge; idempotent. */
export async function joinBridge(ifname: string, bridge: string): Promise<void> {
  await run('ip', ['link', 'set', 'dev', ifname, 'master', bridge]);
}
