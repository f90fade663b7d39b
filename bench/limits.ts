/**
 * From PATCH to a limit in force in the kernel: Berth's API (PATCH {limits:{memory:{limitMiB}}},
 * until the container's memory cgroup file shows the new value) beside a raw `lxc-cgroup` of the
 * same key, in one run on this machine. Prints medians and the ratio. Target: within 2× + 50 ms.
 *
 *   node --import tsx bench/limits.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Instance } from '@berth/contracts';
import { startStack } from '@berth/api/harness';
import { median, ok, timed } from './lib.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 21);
const MiB = 1024 * 1024;

async function main() {
  const stack = await startStack('bench-lim');
  try {
    const task = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'bench-limits',
    });
    const ct = task.result as Instance;
    await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    const lxcpath = `${stack.agent.dataDir}/lxc`;
    const { stdout: pid } = await run('lxc-info', [
      '-P',
      lxcpath,
      '-n',
      String(ct.ctid),
      '-p',
      '-H',
    ]);
    const cgroups = await readFile(`/proc/${pid.trim()}/cgroup`, 'utf8');
    const v1 = /^\d+:memory:(.*)$/m.exec(cgroups)?.[1];
    const file = v1
      ? path.join('/sys/fs/cgroup/memory', v1, 'memory.limit_in_bytes')
      : path.join('/sys/fs/cgroup', /^0::(.*)$/m.exec(cgroups)?.[1] ?? '', 'memory.max');
    const key = path.basename(file);
    /** Polls the kernel's file until it holds `bytes`: the limit is in force from then on. */
    const inForce = async (bytes: number) => {
      while (Number((await readFile(file, 'utf8')).trim()) !== bytes) {
        await new Promise((r) => setImmediate(r));
      }
    };
    const viaApi = async (mib: number) => {
      const res = await stack.call('PATCH', `/api/v1/instances/${ct.id}`, {
        limits: { memory: { limitMiB: mib } },
      });
      if (res.status !== 200)
        throw new Error(`PATCH answered ${res.status}: ${JSON.stringify(res.body)}`);
      await inForce(mib * MiB);
    };
    const raw = async (mib: number) => {
      await run('lxc-cgroup', ['-P', lxcpath, '-n', String(ct.ctid), '--', key, String(mib * MiB)]);
      await inForce(mib * MiB);
    };
    const samples = { api: [] as number[], raw: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      // Each round changes the value, so each measures a real write.
      samples.api.push((await timed(() => viaApi(128 + (i % 2) * 64)))[0]);
      samples.raw.push((await timed(() => raw(96 + (i % 2) * 64)))[0]);
    }
    const api = median(samples.api);
    const base = median(samples.raw);
    console.log(`memory limit of a running busybox container (${key}); ${rounds} rounds`);
    console.log(`API PATCH → in force in the kernel  median ${api.toFixed(1).padStart(7)} ms`);
    console.log(`raw lxc-cgroup → in force           median ${base.toFixed(1).padStart(7)} ms`);
    console.log(
      `ratio ${(api / base).toFixed(2)}×; target (≤ 2 × raw + 50 ms = ${(2 * base + 50).toFixed(1)} ms): ${api <= 2 * base + 50 ? 'met' : 'MISSED'}`,
    );
    await ok(stack, 'DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
