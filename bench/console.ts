/**
 * Console speed: a container shell through the full path (WebSocket to the API with a
 * ticket, relayed to the agent, onto the pty) beside a WebSocket straight to the agent's
 * shell, in the same run and on the same shell. Prints keystroke round trips (a byte typed,
 * its echo back) and output throughput of `head -c 50M /dev/zero | base64`.
 *
 *   node --import tsx bench/console.ts [keystrokes]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { ConsoleTicket, Instance, ShellSession } from '@berth/contracts';
import { startStack, type Stack } from '@berth/api/harness';
import { median, ok } from './lib.js';

const keystrokes = Number(process.argv[2] ?? 300);
const OUTPUT_MIB = 50;
const KEY_GAP_MS = 20;
const PRODUCE = `head -c ${OUTPUT_MIB}M /dev/zero | base64`;

/** MB/s of PRODUCE's output read from a pty by `script` (C, no Node, no WebSocket). */
function rawPty(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let bytes = 0;
    const child = spawn('script', ['-q', '-c', argv.join(' '), '/dev/null'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', () => resolve(bytes / 1e6 / ((performance.now() - t0) / 1000)));
  });
}

function opened(ws: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function viaApi(stack: Stack, ct: Instance, shell: ShellSession): Promise<WebSocket> {
  const t = await stack.call<ConsoleTicket>('POST', `/api/v1/instances/${ct.id}/console-tickets`, {
    kind: 'shell',
    shellId: shell.id,
  });
  const url = stack.baseUrl.replace(/^http/, 'ws') + t.body.path;
  return opened(new WebSocket(url, { origin: stack.baseUrl, perMessageDeflate: false }));
}

function direct(stack: Stack, ct: Instance, shell: ShellSession): Promise<WebSocket> {
  const url = `${stack.agent.url.replace(/^http/, 'ws')}/v1/instances/${ct.id}/shells/${shell.id}/attach`;
  return opened(
    new WebSocket(url, {
      headers: { authorization: `Bearer ${stack.agent.token}` },
      perMessageDeflate: false,
    }),
  );
}

/** Resolves once the output contains `text`, or with `exact`, once a frame is exactly `text`. */
function waitFor(
  ws: WebSocket,
  text: string,
  opts: { exact?: boolean; onBytes?: (n: number) => void } = {},
): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      opts.onBytes?.(data.length);
      const seen = tail + data.toString('latin1', Math.max(0, data.length - 256));
      if (opts.exact ? data.toString('latin1') === text : seen.includes(text)) {
        ws.off('message', onMessage);
        resolve();
      }
      tail = seen.slice(-64);
    };
    ws.on('message', onMessage);
  });
}

/** Types one letter at a time and times each echo; the line is wiped every 40 letters. */
async function keystrokeRtt(ws: WebSocket, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 40 === 0) {
      const cleared = waitFor(ws, 'ready-7');
      ws.send(Buffer.from('\x15echo ready-$((3+4))\r'));
      await cleared;
      // Let the prompt's redraw arrive before timing anything.
      await new Promise((r) => setTimeout(r, 50));
    }
    const letter = String.fromCharCode(97 + (i % 26));
    const echoed = waitFor(ws, letter, { exact: true });
    const t0 = performance.now();
    ws.send(Buffer.from(letter));
    await echoed;
    samples.push(performance.now() - t0);
    // Typing speed, not a flood: each key finds the processes idle, as a person's would.
    await new Promise((r) => setTimeout(r, KEY_GAP_MS));
  }
  ws.send(Buffer.from('\x15'));
  return samples;
}

async function throughput(ws: WebSocket): Promise<{ mbPerS: number; bytes: number }> {
  let bytes = 0;
  const done = waitFor(ws, 'done-42', { onBytes: (n) => (bytes += n) });
  const t0 = performance.now();
  ws.send(Buffer.from(`${PRODUCE}; echo done-$((40+2))\r`));
  await done;
  const seconds = (performance.now() - t0) / 1000;
  return { mbPerS: bytes / 1e6 / seconds, bytes };
}

async function main() {
  const stack = await startStack('bench-con');
  try {
    await ok(stack, 'POST', '/api/v1/templates/debian-12/build?sync=true', { rebuild: false });
    const ct = (
      await ok(stack, 'POST', '/api/v1/instances?sync=true', {
        template: 'debian-12',
        name: 'bench-console',
      })
    ).result as Instance;
    await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    const shell = (
      await stack.call<ShellSession>('POST', `/api/v1/instances/${ct.id}/shells`, {
        cols: 200,
        rows: 50,
      })
    ).body;

    // Baselines for the output rate: what a pty gives a C reader here, with and without lxc-attach.
    const lxcpath = path.join(stack.agent.dataDir, 'lxc');
    const rawLxc: number[] = [];
    const rawHost: number[] = [];
    for (let i = 0; i < 3; i++) {
      rawLxc.push(
        await rawPty([
          'lxc-attach',
          '-P',
          lxcpath,
          '-n',
          String(ct.ctid),
          '--',
          'sh',
          '-c',
          `'${PRODUCE}'`,
        ]),
      );
      rawHost.push(await rawPty(['sh', '-c', `'${PRODUCE}'`]));
    }

    const rtt: Record<string, number[]> = { api: [], direct: [] };
    const rate: Record<string, number[]> = { api: [], direct: [] };
    // Alternating rounds, so neither path gets the quieter moments of a shared machine.
    for (let round = 0; round < 3; round++) {
      for (const [name, open] of [
        ['api', viaApi],
        ['direct', direct],
      ] as const) {
        const ws = await open(stack, ct, shell);
        await new Promise((r) => setTimeout(r, 300));
        rtt[name]!.push(...(await keystrokeRtt(ws, Math.ceil(keystrokes / 3))));
        rate[name]!.push((await throughput(ws)).mbPerS);
        ws.close();
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    const apiMs = median(rtt.api!);
    const directMs = median(rtt.direct!);
    const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
    console.log(
      `\nconsole bench: ${keystrokes} keystrokes per path (${KEY_GAP_MS} ms apart), ${OUTPUT_MIB} MiB of base64 x3\n`,
    );
    console.log('| measurement | via API (full path) | direct to agent | ratio / added | target |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| keystroke echo, median | ${apiMs.toFixed(2)} ms | ${directMs.toFixed(2)} ms | +${(apiMs - directMs).toFixed(2)} ms (${(apiMs / directMs).toFixed(2)}x) | < 2 ms added: ${apiMs - directMs < 2 ? 'met' : 'MISSED'} |`,
    );
    console.log(
      `| keystroke echo, p95 | ${p95(rtt.api!).toFixed(2)} ms | ${p95(rtt.direct!).toFixed(2)} ms | +${(p95(rtt.api!) - p95(rtt.direct!)).toFixed(2)} ms | — |`,
    );
    const apiRate = median(rate.api!);
    const directRate = median(rate.direct!);
    console.log(
      `| base64 output, median | ${apiRate.toFixed(1)} MB/s | ${directRate.toFixed(1)} MB/s | ${(apiRate / directRate).toFixed(2)}x | >= 50 MB/s: ${apiRate >= 50 ? 'met' : 'MISSED'} |`,
    );
    console.log(
      `\nraw baselines (same output read by \`script\`, no Node): lxc-attach on a pty ${median(rawLxc).toFixed(1)} MB/s; a plain host pty (the ceiling for any pty here) ${median(rawHost).toFixed(1)} MB/s`,
    );
  } finally {
    await stack.close();
  }
}

await main();
