/**
 * VM lifecycle speed: API start until the guest agent answers, beside the very same
 * QEMU command line run by hand in the same run; and suspend/resume times.
 *
 *   node --import tsx bench/vm-lifecycle.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Instance } from '@berth/contracts';
import { GuestAgent } from '@berth/agent/guest-agent';
import { startStack } from '@berth/api/harness';
import { median, ok, timed } from './lib.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 3);

async function untilGuestAnswers(socket: string): Promise<void> {
  const agent = new GuestAgent(socket);
  const deadline = Date.now() + 300_000;
  while (!(await agent.ping(1000))) {
    if (Date.now() > deadline) throw new Error('guest agent never answered');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const stack = await startStack('vmbench');
  try {
    await ok(stack, 'POST', '/api/v1/templates/tiny-linux/build?sync=true', { rebuild: false });
    const created = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'bench-vm',
      disks: [{ template: 'tiny-linux' }],
    });
    const vm = created.result as Instance;
    const dir = path.join(stack.agent.dataDir, 'vms', vm.id);
    const qga = path.join(dir, 'qga');
    const samples: Record<string, number[]> = {
      'API start → guest agent': [],
      'same QEMU by hand → guest agent': [],
      'API suspend to disk': [],
      'API resume → guest agent': [],
    };
    let cmdline: string[] = [];
    for (let i = 0; i < rounds; i++) {
      samples['API start → guest agent']!.push(
        (
          await timed(async () => {
            await ok(stack, 'POST', `/api/v1/instances/${vm.id}/actions/start?sync=true`);
            await untilGuestAnswers(qga);
          })
        )[0],
      );
      const pid = (await readFile(path.join(dir, 'qemu.pid'), 'utf8')).trim();
      cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      samples['API suspend to disk']!.push(
        (
          await timed(() =>
            ok(stack, 'POST', `/api/v1/instances/${vm.id}/actions/suspend?sync=true`),
          )
        )[0],
      );
      samples['API resume → guest agent']!.push(
        (
          await timed(async () => {
            await ok(stack, 'POST', `/api/v1/instances/${vm.id}/actions/resume?sync=true`);
            await untilGuestAnswers(qga);
          })
        )[0],
      );
      await ok(stack, 'POST', `/api/v1/instances/${vm.id}/actions/stop?sync=true`, { force: true });

      // The baseline: the exact argv the agent used, with the tap made by hand.
      const tapArg = cmdline.find((a) => a.startsWith('tap,'))!;
      const tap = /ifname=([^,]+)/.exec(tapArg)![1]!;
      await run('ip', ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
      await run('ip', ['link', 'set', 'dev', tap, 'master', stack.agent.bridge, 'up']);
      for (const s of ['qmp', 'vnc', 'qga', 'serial']) await rm(path.join(dir, s), { force: true });
      samples['same QEMU by hand → guest agent']!.push(
        (
          await timed(async () => {
            await run(cmdline[0]!, cmdline.slice(1));
            await untilGuestAnswers(qga);
          })
        )[0],
      );
      const handPid = Number((await readFile(path.join(dir, 'qemu.pid'), 'utf8')).trim());
      process.kill(handPid, 'SIGKILL');
      while (
        await readFile(`/proc/${handPid}/cmdline`).then(
          () => true,
          () => false,
        )
      )
        await new Promise((r) => setTimeout(r, 50));
      // The agent sees the hand-run QEMU as its VM (same pidfile) and may have removed the tap already.
      await run('ip', ['link', 'del', 'dev', tap]).catch(() => undefined);
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const facts = await stack.call<{ items: Array<{ facts: { virtualization: string } }> }>(
      'GET',
      '/api/v1/hosts',
    );
    console.log(
      `\nvm-lifecycle: medians of ${rounds} rounds (ms), accel ${facts.body.items[0]?.facts.virtualization}`,
    );
    for (const [k, v] of Object.entries(m))
      console.log(`  ${k.padEnd(34)} ${v.toFixed(0).padStart(8)}`);
    const ratio = m['API start → guest agent']! / m['same QEMU by hand → guest agent']!;
    console.log(`\n  API start / same QEMU by hand   ${ratio.toFixed(2)}x`);
  } finally {
    await stack.close();
  }
}

await main();
