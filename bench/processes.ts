/**
 * Listing the processes of a container running 500 of them: Berth's API (and the agent alone)
 * beside a raw `ps` over the same cgroup's pids, in one run on this machine. Prints medians
 * and the ratio to the raw baseline. Target: the API under 100 ms.
 *
 *   node --import tsx bench/processes.ts [rounds] [processes]
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Instance, ProcessList } from '@berth/contracts';
import { startStack } from '@berth/api/harness';
import { median, ok, timed } from './lib.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 21);
const count = Number(process.argv[3] ?? 500);

async function main() {
  const stack = await startStack('bench-ps');
  try {
    const task = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'bench-procs',
    });
    const ct = task.result as Instance;
    await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    const spawned = await stack.call<{ exitCode: number; stderr: string }>(
      'POST',
      `/api/v1/instances/${ct.id}/exec`,
      {
        command: ['sh', '-c', `i=0; while [ $i -lt ${count} ]; do sleep 3600 & i=$((i+1)); done`],
      },
    );
    if (spawned.body.exitCode !== 0) throw new Error(`spawning: ${spawned.body.stderr}`);

    const viaApi = () =>
      stack.call<ProcessList>('GET', `/api/v1/instances/${ct.id}/processes`).then((r) => {
        if (r.status !== 200) throw new Error(`API answered ${r.status}`);
        return r.body;
      });
    const viaAgent = () =>
      fetch(`${stack.agent.url}/v1/instances/${ct.id}/processes`, {
        headers: { authorization: `Bearer ${stack.agent.token}` },
      }).then((r) => r.json() as Promise<ProcessList>);
    // The baseline: the container's pids from its cgroup, then one procps `ps` over them.
    const { stdout: info } = await run('lxc-info', [
      ...['-P', `${stack.agent.dataDir}/lxc`, '-n', String(ct.ctid), '-p', '-H'],
    ]);
    const cgroups = await readFile(`/proc/${info.trim()}/cgroup`, 'utf8');
    const group = `/sys/fs/cgroup/pids${/^\d+:pids:(.*)$/m.exec(cgroups)?.[1]}/cgroup.procs`;
    const raw = async () => {
      const pids = (await readFile(group, 'utf8')).trim().split('\n').join(',');
      const { stdout } = await run('ps', ['-o', 'pid,user,stat,pcpu,rss,lstart,args', '-p', pids], {
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout.trim().split('\n').length - 1;
    };

    const listed = (await viaApi()).items.length;
    const rawListed = await raw();
    const samples = { api: [] as number[], agent: [] as number[], raw: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      samples.api.push((await timed(viaApi))[0]);
      samples.agent.push((await timed(viaAgent))[0]);
      samples.raw.push((await timed(raw))[0]);
    }
    const base = median(samples.raw);
    console.log(`processes in the container: API ${listed}, raw ps ${rawListed}; ${rounds} rounds`);
    for (const [what, xs] of [
      ['API GET /processes', samples.api],
      ['agent GET /v1/…/processes', samples.agent],
      ['raw cgroup.procs + ps', samples.raw],
    ] as const) {
      const m = median(xs);
      console.log(
        `${what.padEnd(28)} median ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}× raw`,
      );
    }
    const verdict = median(samples.api) < 100 ? 'met' : 'MISSED';
    console.log(`target (API under 100 ms with ${count} processes): ${verdict}`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
