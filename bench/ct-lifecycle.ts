/**
 * Container lifecycle speed: Berth's API beside raw lxc-start / lxc-stop on the same
 * container, measured in one run on this machine. Prints medians and ratios.
 *
 *   node --import tsx bench/ct-lifecycle.ts [rounds]
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Instance } from '@berth/contracts';
import { startStack } from '@berth/api/harness';
import { median, ok, timed } from './lib.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 7);

async function main() {
  const stack = await startStack('bench');
  try {
    for (const t of ['busybox', 'debian-12']) {
      await ok(stack, 'POST', `/api/v1/templates/${t}/build?sync=true`, { rebuild: false });
    }
    const lxcpath = path.join(stack.agent.dataDir, 'lxc');
    const samples: Record<string, number[]> = {
      'API create+start busybox': [],
      'API create+start debian-12': [],
      'API start (busybox)': [],
      'raw lxc-start (same container)': [],
      'API stop (busybox)': [],
      'raw lxc-stop (same container)': [],
    };
    for (let i = 0; i < rounds; i++) {
      for (const template of ['busybox', 'debian-12']) {
        const [ms, created] = await timed(async () => {
          const task = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
            template,
            name: `bench-${template.replace(/\W/g, '')}-${i}`,
          });
          const ct = task.result as Instance;
          await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
          return ct;
        });
        samples[`API create+start ${template}`]!.push(ms);
        if (template === 'busybox') {
          const id = created.id;
          const ctid = String(created.ctid);
          samples['API stop (busybox)']!.push(
            (
              await timed(() => ok(stack, 'POST', `/api/v1/instances/${id}/actions/stop?sync=true`))
            )[0],
          );
          samples['API start (busybox)']!.push(
            (
              await timed(() =>
                ok(stack, 'POST', `/api/v1/instances/${id}/actions/start?sync=true`),
              )
            )[0],
          );
          await ok(stack, 'POST', `/api/v1/instances/${id}/actions/stop?sync=true`);
          samples['raw lxc-start (same container)']!.push(
            (await timed(() => run('lxc-start', ['-P', lxcpath, '-n', ctid, '-d'])))[0],
          );
          samples['raw lxc-stop (same container)']!.push(
            (await timed(() => run('lxc-stop', ['-P', lxcpath, '-n', ctid, '-t', '30'])))[0],
          );
        }
        await ok(stack, 'DELETE', `/api/v1/instances/${created.id}?force=true&sync=true`);
      }
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    console.log(`\nct-lifecycle: medians of ${rounds} rounds (ms)`);
    for (const [k, v] of Object.entries(m))
      console.log(`  ${k.padEnd(34)} ${v.toFixed(1).padStart(8)}`);
    const rawStart = m['raw lxc-start (same container)']!;
    const apiStart = m['API start (busybox)']!;
    const startRatio = apiStart / rawStart;
    const stopRatio = m['API stop (busybox)']! / m['raw lxc-stop (same container)']!;
    const startTarget = 2 * rawStart + 50;
    const debian = m['API create+start debian-12']!;
    console.log(
      `\n  API start / raw lxc-start   ${startRatio.toFixed(2)}x  (target: within 2x raw + 50 ms = ${startTarget.toFixed(1)} ms: ${apiStart <= startTarget ? 'met' : 'MISSED'})`,
    );
    console.log(`  API stop / raw lxc-stop     ${stopRatio.toFixed(2)}x`);
    console.log(
      `  create+start debian-12      ${debian.toFixed(0)} ms  (target: under 1500 ms: ${debian < 1500 ? 'met' : 'MISSED'})`,
    );
  } finally {
    await stack.close();
  }
}

await main();
