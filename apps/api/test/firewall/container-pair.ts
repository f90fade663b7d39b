import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Instance, Network } from '@berth/contracts';
import { apiCalls } from '../api-calls.js';
import { startStack, type Stack } from '../harness.js';

/** nft's answer, or null when it refused (a table that is not there). */
export const nft = (...args: string[]) => {
  try {
    return execFileSync('nft', args, { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return null;
  }
};

/**
 * Two running busybox containers, c1 and c2, on a stack's network `default`, with the calls the
 * firewall tests make on them; traffic goes only between them. `name` names the stack, and so its
 * bridge and the instance tables it leaves, which the tear-down deletes.
 */
export function containerPair(name: string) {
  let stack: Stack | undefined;
  const cts: Record<string, Instance> = {};
  const ips: Record<string, string> = {};
  const prefix = `berth_${`bt-${name}`.slice(0, 15).replace(/-/g, '_')}_fw_`;

  const { call, ok, task } = apiCalls(() => pair.stack);
  /** A shell script's exit code in a container. */
  const sh = async (ct: string, script: string) =>
    (
      await ok<{ exitCode: number; stdout: string }>(
        'POST',
        `/api/v1/instances/${cts[ct]!.id}/exec`,
        { command: ['sh', '-c', script], timeoutSeconds: 30 },
      )
    ).exitCode;

  const pair = {
    get stack(): Stack {
      assert.ok(stack, 'the stack is up');
      return stack;
    },
    cts,
    ips,
    call,
    ok,
    task,
    sh,
    pings: async (from: string, to: string, opts = '') =>
      (await sh(from, `ping -c 1 -W 2 ${opts} ${ips[to]}`)) === 0,
    /** The instance tables of this stack's bridge. */
    tables: () =>
      (nft('list', 'tables', 'bridge') ?? '')
        .split('\n')
        .map((l) => l.trim().split(' ')[2] ?? '')
        .filter((t) => t.startsWith(prefix)),
    async setUp() {
      stack = await startStack(name);
      for (const ct of ['c1', 'c2']) {
        const t = await task('/api/v1/instances?sync=true', { template: 'busybox', name: ct });
        cts[ct] = t.result as Instance;
        await task(`/api/v1/instances/${cts[ct].id}/actions/start?sync=true`);
      }
      const net = await ok<Network>('GET', '/api/v1/networks/default');
      for (const m of net.instances) ips[m.name] = m.ipv4!.split('/')[0]!;
    },
    async tearDown() {
      if (stack) {
        for (const ct of Object.values(cts)) {
          await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
        }
        await stack.close();
      }
      for (const t of pair.tables()) {
        nft('delete', 'table', 'bridge', t);
        nft('delete', 'table', 'inet', t);
      }
    },
  };
  return pair;
}
