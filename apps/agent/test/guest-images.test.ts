import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  buildTinyLinux,
  KERNEL_ARGS,
  MANIFEST,
  readKernelRelease,
  tinyLinuxPaths,
  type GuestImagePaths,
  type TinyLinuxManifest,
} from '../src/guest-images/index.js';
import { moduleClosure, parseModulesDep } from '../src/guest-images/modules.js';
import { parseLdd } from '../src/guest-images/shared-libs.js';
import { probeKvm, type Accel } from '../src/drivers/qemu/accel.js';
import { runLines } from '../src/run.js';
import { linkedClone } from '../src/storage/qcow2.js';

const IMAGE_DIR = process.env.BERTH_TEST_IMAGE_DIR ?? '/var/cache/berth-test/images';
/** Boot-to-agent budget; TCG on a 2-core machine is the slow case it is sized for. */
const BOOT_BUDGET_MS = 120_000;

// ---------------------------------------------------------------------------
// Pure helpers (no host needed)

describe('guest image helpers', () => {
  test('parseLdd keeps the loader and libraries, drops the vDSO, rejects missing ones', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd4b7f2000)',
      '\tlibglib-2.0.so.0 => /lib/x86_64-linux-gnu/libglib-2.0.so.0 (0x00007f6e3ad27000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f6e3aa5d000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f6e3afae000)',
    ].join('\n');
    assert.deepEqual(parseLdd(out, 'x'), [
      '/lib/x86_64-linux-gnu/libglib-2.0.so.0',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
    assert.deepEqual(parseLdd('\tnot a dynamic executable', 'x'), []);
    assert.throws(() => parseLdd('\tlibnuma.so.1 => not found', 'qemu-ga'), /libnuma\.so\.1/);
  });

  test('moduleClosure orders dependencies first and skips built-ins', () => {
    const dep = parseModulesDep(
      [
        'kernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/net/net_failover.ko',
        'kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko',
        'kernel/net/core/failover.ko:',
        'kernel/drivers/virtio/virtio.ko:',
        'kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko',
      ].join('\n'),
    );
    const { files, load } = moduleClosure(
      ['virtio_net', 'virtio_rng', 'unix'],
      dep,
      new Set(['unix']),
    );
    assert.deepEqual(load, ['virtio_net', 'virtio_rng']);
    assert.deepEqual(files, [
      'kernel/drivers/virtio/virtio.ko',
      'kernel/net/core/failover.ko',
      'kernel/drivers/net/net_failover.ko',
      'kernel/drivers/net/virtio_net.ko',
      'kernel/drivers/char/hw_random/virtio-rng.ko',
    ]);
    assert.throws(() => moduleClosure(['no_such_driver'], dep, new Set()), /no_such_driver/);
  });
});

// ---------------------------------------------------------------------------
// Small protocol clients for the guest agent, QMP and the serial console

/** Newline-delimited JSON over a unix socket: what qemu-ga and QMP both speak. */
class JsonLines {
  private buf = '';
  private queue: Record<string, unknown>[] = [];
  private waiter: (() => void) | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk: Buffer) => {
      // qemu-ga may send 0xff as a delimiter after guest-sync-delimited; not JSON.
      this.buf += chunk.toString('utf8').replace(/\uFFFD/g, '');
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (!line) continue;
        try {
          this.queue.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          continue;
        }
        this.waiter?.();
      }
    });
    sock.on('error', () => this.waiter?.());
  }

  static async connect(socketPath: string, deadline: number): Promise<JsonLines> {
    return new JsonLines(await connectUnix(socketPath, deadline));
  }

  send(message: unknown): void {
    this.sock.write(`${JSON.stringify(message)}\n`);
  }

  async next(timeoutMs: number): Promise<Record<string, unknown> | null> {
    const end = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = end - Date.now();
      if (left <= 0 || this.sock.destroyed) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.queue.shift() ?? null;
  }

  /** One command, one answer; the caller has synchronised the stream first. */
  async call(execute: string, args?: unknown, timeoutMs = 30_000): Promise<unknown> {
    this.send(args === undefined ? { execute } : { execute, arguments: args });
    for (;;) {
      const msg = await this.next(timeoutMs);
      if (!msg) throw new Error(`${execute}: no answer within ${timeoutMs} ms`);
      if ('event' in msg) continue; // QMP events interleave with answers
      if ('error' in msg) throw new Error(`${execute}: ${JSON.stringify(msg.error)}`);
      return msg.return;
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

async function connectUnix(socketPath: string, deadline: number): Promise<net.Socket> {
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const sock = net.connect(socketPath);
        sock.once('connect', () => resolve(sock));
        sock.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`cannot connect to ${socketPath}: ${String(err)}`);
      await sleep(100);
    }
  }
}

/**
 * Resolves at the first echo of any guest-sync sent (that moment is the boot time),
 * then syncs once more on a fresh id: syncs written before qemu-ga opened its port
 * may still be answered late, and those stale echoes must not be read as answers
 * to later commands.
 */
async function qgaSync(
  qga: JsonLines,
  deadline: number,
  hopeless: () => Promise<string | null>,
): Promise<number> {
  const sent = new Set<number>();
  let answeredAt = 0;
  while (!answeredAt) {
    if (Date.now() > deadline) throw new Error('guest agent did not answer guest-sync in time');
    const why = await hopeless();
    if (why) throw new Error(`guest agent will not answer: ${why}`);
    const id = Math.floor(Math.random() * 2 ** 31);
    sent.add(id);
    qga.send({ execute: 'guest-sync', arguments: { id } });
    const attemptEnd = Math.min(deadline, Date.now() + 250);
    for (;;) {
      const msg = await qga.next(attemptEnd - Date.now());
      if (!msg) break;
      if (sent.has(msg.return as number)) {
        answeredAt = Date.now();
        break;
      }
    }
  }
  const id = Math.floor(Math.random() * 2 ** 31);
  qga.send({ execute: 'guest-sync', arguments: { id } });
  for (;;) {
    const msg = await qga.next(10_000);
    if (!msg) throw new Error('guest agent stopped answering right after its first guest-sync');
    if (msg.return === id) return answeredAt;
  }
}

async function guestExec(
  qga: JsonLines,
  file: string,
  args: string[],
): Promise<{ exitcode: number; out: string }> {
  const { pid } = (await qga.call('guest-exec', {
    path: file,
    arg: args,
    'capture-output': true,
  })) as { pid: number };
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const st = (await qga.call('guest-exec-status', { pid })) as {
      exited: boolean;
      exitcode?: number;
      'out-data'?: string;
    };
    if (st.exited) {
      return {
        exitcode: st.exitcode ?? -1,
        out: Buffer.from(st['out-data'] ?? '', 'base64').toString('utf8'),
      };
    }
    await sleep(200);
  }
  throw new Error(`guest-exec ${file} did not finish`);
}

interface GuestInterface {
  name: string;
  'ip-addresses'?: { 'ip-address-type': string; 'ip-address': string; prefix: number }[];
}

async function waitForFile(file: string, pattern: RegExp, deadline: number): Promise<string> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline)
      throw new Error(`${file} never showed ${pattern}; tail:\n${text.slice(-1500)}`);
    await sleep(250);
  }
}

/** Logs in on the serial console the way an operator would and runs one command. */
async function serialLogin(socketPath: string, deadline: number): Promise<string> {
  const sock = await connectUnix(socketPath, deadline);
  let seen = '';
  sock.on('data', (d: Buffer) => {
    seen += d.toString('utf8');
  });
  const expect = async (pattern: RegExp) => {
    while (!pattern.test(seen)) {
      if (Date.now() > deadline)
        throw new Error(`serial console never showed ${pattern}: ${seen.slice(-800)}`);
      await sleep(100);
    }
  };
  try {
    // The prompt may have been printed before we connected: a bare Enter makes getty repeat it.
    sock.write('\r');
    await expect(/login: /);
    sock.write('root\r');
    await expect(/root@tiny-linux:~# /);
    sock.write('echo serial-$((6 * 7))\r');
    await expect(/serial-42/);
    return seen;
  } finally {
    sock.destroy();
  }
}

// ---------------------------------------------------------------------------
// QEMU

async function pickAccel(kernel: string, scratch: string): Promise<Accel> {
  const forced = process.env.BERTH_TEST_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return forced;
  return (await probeKvm(kernel, scratch)) ? 'kvm' : 'tcg';
}

interface Vm {
  dir: string;
  qga: string;
  qmp: string;
  serialSock: string;
  serialLog: string;
  started: number;
  pid: number;
  exited: Promise<void>;
  hasExited: () => boolean;
  stderr: string[];
}

const running = new Set<Vm>();

async function startVm(name: string, accel: Accel, media: string[], dir: string): Promise<Vm> {
  const vm = {
    dir,
    qga: path.join(dir, 'qga.sock'),
    qmp: path.join(dir, 'qmp.sock'),
    serialSock: path.join(dir, 'serial.sock'),
    serialLog: path.join(dir, 'serial.log'),
    stderr: [] as string[],
  };
  const pidfile = path.join(dir, 'qemu.pid');
  const args = [
    '-name',
    `tiny-linux-${name}`,
    '-machine',
    'q35',
    '-accel',
    accel,
    '-m',
    '256',
    '-smp',
    '1',
    '-display',
    'none',
    '-monitor',
    'none',
    '-pidfile',
    pidfile,
    '-qmp',
    `unix:${vm.qmp},server=on,wait=off`,
    // logfile keeps everything the guest printed, also while no client is connected.
    '-chardev',
    `socket,id=ser0,path=${vm.serialSock},server=on,wait=off,logfile=${vm.serialLog}`,
    '-serial',
    'chardev:ser0',
    '-chardev',
    `socket,path=${vm.qga},server=on,wait=off,id=qga0`,
    '-device',
    'virtio-serial',
    '-device',
    'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
    // restrict=on: slirp still answers DHCP but forwards nothing off the VM.
    '-netdev',
    'user,id=n0,restrict=on',
    '-device',
    'virtio-net-pci,netdev=n0',
    ...media,
  ];
  const started = Date.now();
  let done = false;
  const exited = runLines('qemu-system-x86_64', args, (line) => vm.stderr.push(line), {
    timeoutMs: 10 * 60_000,
  })
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => {
      done = true;
    });
  let pid = 0;
  const pidDeadline = Date.now() + 30_000;
  while (!pid) {
    pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
    if (!pid) {
      if (done) throw new Error(`qemu exited at start: ${vm.stderr.join('\n')}`);
      if (Date.now() > pidDeadline)
        throw new Error(`qemu wrote no pidfile: ${vm.stderr.join('\n')}`);
      await sleep(50);
    }
  }
  const handle: Vm = { ...vm, started, pid, exited, hasExited: () => done };
  running.add(handle);
  return handle;
}

async function stopVm(vm: Vm): Promise<void> {
  if (!vm.hasExited()) {
    try {
      process.kill(vm.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await vm.exited;
  running.delete(vm);
  await rm(vm.dir, { recursive: true, force: true });
}

async function waitExit(vm: Vm, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  const giveUp = new AbortController();
  const result = await Promise.race([
    vm.exited.then(() => true),
    sleep(timeoutMs, false, { signal: giveUp.signal }).catch(() => false),
  ]);
  giveUp.abort(); // a pending 60 s timer would hold the test process open after the suite
  assert.ok(result, `QEMU did not power off within ${timeoutMs} ms`);
  return Date.now() - t0;
}

// ---------------------------------------------------------------------------
// Boots

describe('tiny Linux guest images boot under QEMU', { concurrency: false }, () => {
  let images: GuestImagePaths;
  let manifest: TinyLinuxManifest;
  let accel: Accel;
  let scratch: string;

  before(
    async () => {
      scratch = await mkdtemp('/tmp/berth-tl-');
      const paths = tinyLinuxPaths(IMAGE_DIR);
      const complete = await access(path.join(IMAGE_DIR, MANIFEST), constants.R_OK)
        .then(() => Promise.all(Object.values(paths).map((p) => access(p, constants.R_OK))))
        .then(
          () => true,
          () => false,
        );
      if (complete) {
        images = paths;
        console.log(`# reusing images in ${IMAGE_DIR}`);
      } else {
        const t0 = Date.now();
        images = await buildTinyLinux(IMAGE_DIR, (f, m) =>
          console.log(`# build ${(f * 100).toFixed(0)}% ${m}`),
        );
        console.log(`# built images in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      manifest = JSON.parse(
        await readFile(path.join(IMAGE_DIR, MANIFEST), 'utf8'),
      ) as TinyLinuxManifest;
      for (const [key, f] of Object.entries(manifest.files)) {
        console.log(`# ${key}: ${f.name} ${(f.bytes / 1024 / 1024).toFixed(1)} MiB`);
      }
      const t0 = Date.now();
      accel = await pickAccel(images.kernel, scratch);
      console.log(`# accelerator: ${accel} (chosen in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    },
    { timeout: 30 * 60_000 },
  );

  after(async () => {
    for (const vm of [...running]) await stopVm(vm);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the kernel file and the initramfs hold what the guest needs', async () => {
    assert.equal(await readKernelRelease(images.kernel), manifest.kernelRelease);
    const archive = gunzipSync(await readFile(images.initrd));
    const entries = new Map<string, { mode: number; rdev: string; data: Buffer }>();
    let off = 0;
    while (off < archive.length) {
      assert.equal(archive.toString('ascii', off, off + 6), '070701', `bad cpio magic at ${off}`);
      const field = (i: number) =>
        parseInt(archive.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
      const mode = field(1);
      const size = field(6);
      const rdev = `${field(9)}:${field(10)}`;
      const nameSize = field(11);
      const name = archive.toString('utf8', off + 110, off + 110 + nameSize - 1);
      const dataStart = off + Math.ceil((110 + nameSize) / 4) * 4;
      if (name === 'TRAILER!!!') break;
      entries.set(name, { mode, rdev, data: archive.subarray(dataStart, dataStart + size) });
      off = dataStart + Math.ceil(size / 4) * 4;
    }
    const release = manifest.kernelRelease;
    for (const name of [
      'init',
      'bin/busybox',
      'sbin/getty',
      'usr/sbin/qemu-ga',
      'lib64/ld-linux-x86-64.so.2',
      'lib/x86_64-linux-gnu/libglib-2.0.so.0',
      'etc/inittab',
      'etc/udhcpc/default.script',
      `lib/modules/${release}/kernel/drivers/virtio/virtio_pci.ko`,
      `lib/modules/${release}/kernel/drivers/net/virtio_net.ko`,
      `lib/modules/${release}/kernel/drivers/net/net_failover.ko`,
      `lib/modules/${release}/kernel/drivers/char/virtio_console.ko`,
      `lib/modules/${release}/kernel/drivers/acpi/button.ko`,
      `lib/modules/${release}/modules.dep`,
    ]) {
      assert.ok(entries.has(name), `initramfs lacks ${name}`);
    }
    assert.equal(entries.get('init')?.data.toString(), '/bin/busybox');
    const console_ = entries.get('dev/console');
    assert.ok(console_ && (console_.mode & 0o170000) === 0o020000 && console_.rdev === '5:1');
    assert.match(
      entries.get(`lib/modules/${release}/modules.dep`)?.data.toString() ?? '',
      /virtio_net\.ko:.*failover/,
    );
  });

  const cases: {
    name: string;
    media: (dir: string) => Promise<string[]>;
    shutdown: 'guest-agent' | 'acpi';
    /** Banner the boot loader prints on ttyS0 (its SERIAL directive), proving which path booted. */
    loader?: RegExp;
    /** A block device the guest must see in /proc/partitions. */
    guestSees?: RegExp;
  }[] = [
    {
      name: 'direct kernel boot',
      media: async () => [
        '-kernel',
        images.kernel,
        '-initrd',
        images.initrd,
        '-append',
        KERNEL_ARGS,
      ],
      shutdown: 'guest-agent',
    },
    {
      name: 'qcow2 disk (syslinux)',
      media: async (dir) => {
        const overlay = path.join(dir, 'overlay.qcow2');
        await linkedClone(images.disk, overlay);
        return ['-drive', `file=${overlay},format=qcow2,if=virtio`, '-boot', 'order=c'];
      },
      shutdown: 'acpi',
      loader: /SYSLINUX \d/,
      guestSees: /\bvda1\b/, // its own boot disk through virtio_blk, partition table read
    },
    {
      name: 'ISO as CD-ROM (isolinux)',
      media: async () => [
        '-drive',
        `file=${images.iso},format=raw,media=cdrom,readonly=on`,
        '-boot',
        'order=d',
      ],
      shutdown: 'guest-agent',
      loader: /ISOLINUX \d/,
    },
  ];

  for (const c of cases) {
    test(
      `${c.name}: guest agent answers, uname -r, DHCP on eth0, login, ${c.shutdown} poweroff`,
      { timeout: 6 * 60_000 },
      async () => {
        const dir = await mkdtemp(path.join(scratch, 'vm-'));
        const vm = await startVm(c.name.split(' ')[0] as string, accel, await c.media(dir), dir);
        try {
          const deadline = vm.started + BOOT_BUDGET_MS;
          const qga = await JsonLines.connect(vm.qga, deadline);
          try {
            const answeredAt = await qgaSync(qga, deadline, async () => {
              // Fail at once instead of waiting out the budget for a guest that is gone.
              if (vm.hasExited()) return 'QEMU exited';
              const log = await readFile(vm.serialLog, 'utf8').catch(() => '');
              return /Kernel panic/.test(log) ? 'the guest kernel panicked' : null;
            }).catch(async (err: Error) => {
              const log = await readFile(vm.serialLog, 'utf8').catch(() => '');
              throw new Error(
                `${err.message}\n--- serial tail ---\n${log.slice(-3000)}\n--- qemu ---\n${vm.stderr.join('\n')}`,
              );
            });
            const bootMs = answeredAt - vm.started;

            assert.deepEqual(await qga.call('guest-ping'), {});
            const uname = await guestExec(qga, '/bin/uname', ['-r']);
            assert.equal(uname.exitcode, 0);
            assert.equal(uname.out.trim(), manifest.kernelRelease);

            const ps = await guestExec(qga, '/bin/ps', []);
            for (const daemon of [
              /getty 38400 tty1/,
              /getty -L 115200 ttyS0/,
              /qemu-ga -m virtio-serial/,
              /acpid/,
              /udhcpc -i eth0/,
            ]) {
              assert.match(ps.out, daemon, `not running in the guest:\n${ps.out}`);
            }
            if (c.guestSees) {
              const parts = await guestExec(qga, '/bin/cat', ['/proc/partitions']);
              assert.match(parts.out, c.guestSees);
            }

            let eth0: GuestInterface | undefined;
            const netDeadline = Date.now() + 30_000;
            while (Date.now() < netDeadline) {
              const ifaces = (await qga.call('guest-network-get-interfaces')) as GuestInterface[];
              eth0 = ifaces.find((i) => i.name === 'eth0');
              if (eth0?.['ip-addresses']?.some((a) => a['ip-address-type'] === 'ipv4')) break;
              await sleep(500);
            }
            const ipv4 = eth0?.['ip-addresses']?.find((a) => a['ip-address-type'] === 'ipv4');
            assert.ok(ipv4, `eth0 has no IPv4 address: ${JSON.stringify(eth0)}`);
            assert.match(ipv4['ip-address'], /^10\.0\.2\.\d+$/);

            const serial = await waitForFile(
              vm.serialLog,
              /tiny-linux login:/,
              Date.now() + 30_000,
            );
            if (c.loader) assert.match(serial, c.loader, 'the boot loader did not run');
            assert.match(serial, new RegExp(`Command line: .*${KERNEL_ARGS}`));
            await serialLogin(vm.serialSock, Date.now() + 30_000);

            let offMs: number;
            if (c.shutdown === 'guest-agent') {
              // guest-shutdown sends no answer on success: the VM powering off is the answer.
              qga.send({ execute: 'guest-shutdown' });
              offMs = await waitExit(vm, 60_000);
            } else {
              const qmp = await JsonLines.connect(vm.qmp, Date.now() + 5_000);
              try {
                await qmp.next(5_000); // greeting
                await qmp.call('qmp_capabilities');
                await qmp.call('system_powerdown');
                offMs = await waitExit(vm, 60_000);
              } finally {
                qmp.close();
              }
            }
            const line =
              `${c.name} [${accel}]: guest agent answered ${(bootMs / 1000).toFixed(1)} s after QEMU started; ` +
              `${c.shutdown} poweroff took ${(offMs / 1000).toFixed(1)} s; eth0 ${ipv4['ip-address']}/${ipv4.prefix}`;
            console.log(`# ${line}`);
          } finally {
            qga.close();
          }
        } finally {
          await stopVm(vm);
        }
      },
    );
  }
});
