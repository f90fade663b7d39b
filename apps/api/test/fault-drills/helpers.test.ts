import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { until } from '../wait.js';
import { createInstance, deleteInstance } from './drill-checks.js';

type TaskReply = { task: Task };

/** Pids of dnsmasq processes serving this bridge. */
function dnsmasqOn(bridge: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return path.basename(argv[0] ?? '') === 'dnsmasq' && argv.includes(`--interface=${bridge}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const pidfile = (stack: Stack) =>
  Number(readFileSync(path.join(stack.agent.dataDir, 'dnsmasq.pid'), 'utf8'));

/**
 * The agent's helpers across restarts: a killed agent's dnsmasq is adopted by the next one
 * (one per bridge, never two), and an agent stopping cleanly ends it unless a VM still
 * needs its leases.
 */
describe('fault drill: the agent’s helpers across restarts', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack('fd-help');
  });
  after(async () => {
    await stack?.close();
  });

  test('an unhandled rejection and an uncaught exception do not end the agent', async () => {
    // Preloaded into the agent's process: both fire once the agent has said how it handles them
    // (a fixed delay raced the agent's own loading on a busy machine). NODE_OPTIONS splits at
    // spaces and reads double quotes: the module has neither.
    const misbehave =
      "data:text/javascript,globalThis.t=setInterval(()=>{if(process.listenerCount('uncaughtException')){clearInterval(globalThis.t);setTimeout(()=>Promise.reject(Error(1)),50);setTimeout(()=>{throw(Error(2))},100)}},20)";
    await stack.restartAgent({ env: { NODE_OPTIONS: `--import=${misbehave}` } });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(stack.agent.process.exitCode, null);
      const facts = await fetch(`${stack.agent.url}/v1/facts`, {
        headers: { authorization: `Bearer ${stack.agent.token}` },
      });
      assert.equal(facts.status, 200);
    } finally {
      await stack.restartAgent({ env: {} });
    }
  });

  test('after kill -9 the new agent adopts the running dnsmasq', async () => {
    const first = await until('dnsmasq to run', () => dnsmasqOn(stack.agent.bridge)[0]);
    await stack.restartAgent({ kill: true });
    assert.deepEqual(dnsmasqOn(stack.agent.bridge), [first]);
    assert.equal(pidfile(stack), first);
  });

  test('a clean stop with no VM running ends dnsmasq; the next agent starts its own', async () => {
    const before = dnsmasqOn(stack.agent.bridge);
    await stack.agent.stop();
    await until('dnsmasq to end', () => dnsmasqOn(stack.agent.bridge).length === 0, 10_000);
    await stack.restartAgent();
    const now = await until('a new dnsmasq', () => dnsmasqOn(stack.agent.bridge)[0]);
    assert.ok(!before.includes(now));
  });

  test('a dnsmasq on the bridge that is not this agent’s is ended at start', async () => {
    await stack.agent.stop();
    await until('dnsmasq to end', () => dnsmasqOn(stack.agent.bridge).length === 0, 10_000);
    const stranger = spawn(
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--bind-interfaces',
        `--interface=${stack.agent.bridge}`,
        '--port=0',
        `--dhcp-leasefile=${path.join(stack.dir, 'stranger.leases')}`,
      ],
      { stdio: 'ignore' },
    );
    const gone = new Promise((resolve) => stranger.once('exit', resolve));
    await until('the stranger to run', () => dnsmasqOn(stack.agent.bridge).includes(stranger.pid!));
    await stack.restartAgent();
    await gone;
    const now = await until('the agent’s dnsmasq', () => dnsmasqOn(stack.agent.bridge)[0]);
    assert.equal(pidfile(stack), now);
  });

  test('a clean stop while a VM runs leaves dnsmasq serving it', async () => {
    const vm = await createInstance(stack, {
      kind: 'vm',
      name: 'leaseholder',
      memoryMiB: 128,
      disks: [{ template: 'tiny-linux' }],
    });
    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
    const serving = dnsmasqOn(stack.agent.bridge);
    await stack.restartAgent();
    assert.deepEqual(dnsmasqOn(stack.agent.bridge), serving);
    await deleteInstance(stack, vm.id);
  });
});
