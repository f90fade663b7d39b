import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { silentLog } from '../src/log.js';
import { ensureGuard, guardScript, guardTable } from '../src/net/firewall.js';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const quietly = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
};

test('the guard is one table per bridge, replaced whole, for the given TCP ports only', () => {
  assert.equal(guardTable('berth0'), 'berth_berth0_guard');
  assert.equal(guardTable('bt-e2e'), 'berth_bt_e2e_guard', 'the leftover check matches berth_bt_*');
  const script = guardScript('berth0', [8080, 8091, 8080]);
  assert.match(script, /^table inet berth_berth0_guard\ndelete table inet berth_berth0_guard\n/);
  assert.match(script, /type filter hook input priority filter; policy accept;/);
  assert.match(script, /iifname "berth0" tcp dport \{ 8080, 8091 \} reject with tcp reset/);
});

const root = process.getuid?.() === 0;

/**
 * Issue 11, finding 2: an instance on the bridge cannot open a connection to the host's guarded
 * ports. A network namespace on a veth plays the instance; listeners on the host's bridge
 * address play the API (guarded) and any other service (not).
 */
describe('instances cannot reach the guarded ports', { skip: !root && 'needs root' }, () => {
  const id = Math.random().toString(36).slice(2, 7);
  const bridge = `bt-fw${id}`;
  const ns = `bt-fwns${id}`;
  const hostSide = `bt-fwh${id}`;
  const nsSide = `bt-fwc${id}`;
  const net = `10.219.${Math.floor(Math.random() * 200) + 20}`;
  const servers: Server[] = [];
  let guarded: number;
  let open: number;

  const listen = async (): Promise<number> => {
    const server = createServer((socket) => {
      // Clients here hang up at once; their resets are no failure.
      socket.on('error', () => undefined);
      socket.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, `${net}.1`, resolve));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  };

  /** What a TCP connect from the namespace to the host's bridge address ends in. */
  const connectFromInstance = (port: number): string =>
    sh('ip', [
      ...['netns', 'exec', ns, process.execPath, '-e'],
      `const s = require('node:net').connect(${port}, '${net}.1');
       s.setTimeout(3000, () => { console.log('timeout'); process.exit(0); });
       s.on('connect', () => { console.log('connected'); s.destroy(); });
       s.on('error', (e) => console.log(e.code));`,
    ]).trim();

  before(async () => {
    sh('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
    sh('ip', ['addr', 'add', `${net}.1/24`, 'dev', bridge]);
    sh('ip', ['link', 'set', bridge, 'up']);
    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide]);
    sh('ip', ['link', 'set', hostSide, 'master', bridge, 'up']);
    sh('ip', ['link', 'set', nsSide, 'netns', ns]);
    sh('ip', ['-n', ns, 'addr', 'add', `${net}.2/24`, 'dev', nsSide]);
    sh('ip', ['-n', ns, 'link', 'set', nsSide, 'up']);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    guarded = await listen();
    open = await listen();
  });

  after(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    quietly('nft', ['delete', 'table', 'inet', guardTable(bridge)]);
    quietly('ip', ['netns', 'del', ns]);
    quietly('ip', ['link', 'del', hostSide]);
    quietly('ip', ['link', 'del', bridge]);
  });

  test('without the guard both ports answer the instance', () => {
    assert.equal(connectFromInstance(guarded), 'connected');
    assert.equal(connectFromInstance(open), 'connected');
  });

  test('with it, the guarded port is refused to the instance and nothing else changes', async () => {
    await ensureGuard(bridge, [guarded, 65000], silentLog);
    assert.equal(connectFromInstance(guarded), 'ECONNREFUSED');
    assert.equal(connectFromInstance(open), 'connected', 'other ports stay reachable');
    // The host itself still reaches it: the guard is about what arrives from the bridge.
    const fromHost = await new Promise<string>((resolve) => {
      const s = connect(guarded, `${net}.1`);
      s.on('connect', () => {
        resolve('connected');
        s.destroy();
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.equal(fromHost, 'connected');
  });

  test('reconciling again replaces the table instead of stacking rules', async () => {
    await ensureGuard(bridge, [guarded, 65000], silentLog);
    await ensureGuard(bridge, [guarded, 65000], silentLog);
    const listed = sh('nft', ['list', 'table', 'inet', guardTable(bridge)]);
    assert.equal(listed.match(/reject with tcp reset/g)?.length, 1, listed);
    assert.equal(connectFromInstance(guarded), 'ECONNREFUSED');
  });

  test('allowed by the operator: the table goes and the instance gets through', async () => {
    await ensureGuard(bridge, [], silentLog);
    assert.equal(sh('nft', ['list', 'tables']).includes(guardTable(bridge)), false);
    assert.equal(connectFromInstance(guarded), 'connected');
  });
});
