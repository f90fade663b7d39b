import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, VmHardwareChange, VmHardwareChoices } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { buildTinyTemplate, createTinyVm } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

/**
 * Start-time settings on real QEMU, with one boot: a tiny VM switched to UEFI, a named CPU model
 * and a versioned q35 machine starts under OVMF (its serial log and QEMU's command line say so),
 * and a change made while it runs is listed as pending until the next start.
 */
describe('VM hardware on real QEMU: UEFI, machine, CPU model, pending changes', () => {
  let stack: Stack;
  let vm: Instance;
  const dir = () => path.join(stack.agent.dataDir, 'vms', vm.id);
  const hardware = () => `/api/v1/instances/${vm.id}/hardware`;

  before(async () => {
    stack = await startStack('vhw');
    await buildTinyTemplate(stack);
    vm = await createTinyVm(stack, 'uefi');
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('names this QEMU does not offer are 400s naming the field; the record keeps its values', async () => {
    const choices = (await stack.call<VmHardwareChoices>('GET', hardware())).body;
    assert.ok(choices.machines.includes('q35'), choices.machines.join());
    assert.ok(choices.machines.every((m) => /^(q35|pc-q35-)/.test(m)));
    assert.deepEqual(choices.cpuModels.slice(0, 2), ['max', 'qemu64']);
    assert.equal(choices.uefi, true, 'OVMF is installed (scripts/setup.sh)');
    for (const [body, field] of [
      [{ machine: 'pc-q35-99.9' }, 'machine'],
      [{ cpuModel: 'host' }, 'cpuModel'],
      [{ cpuModel: 'Nonexistent-CPU' }, 'cpuModel'],
    ] as const) {
      const res = await stack.call<ErrorReply>('PUT', hardware(), body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(
        JSON.stringify(res.body),
        new RegExp(`"path":"${field}"`),
        JSON.stringify(res.body),
      );
    }
    const shown = (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.vm;
    assert.equal(shown?.machine, 'q35');
    assert.equal(shown?.cpuModel, null);
    assert.equal(shown?.firmware, 'bios');
  });

  test('a UEFI VM starts under OVMF and shows its screen; the settings are in its command line', async () => {
    const machine = (await stack.call<VmHardwareChoices>('GET', hardware())).body.machines.find(
      (m) => m.startsWith('pc-q35-'),
    )!;
    const set = await stack.call<VmHardwareChange>('PUT', hardware(), {
      firmware: 'uefi',
      machine,
      cpuModel: 'qemu64',
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.applies, 'next-start');
    assert.deepEqual(set.body.instance.vm?.pendingChanges, [], 'a stopped VM has nothing pending');

    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
    assert.ok(existsSync(path.join(dir(), 'efivars.qcow2')), 'the VM has its own EFI vars store');
    const pid = (await readFile(path.join(dir(), 'qemu.pid'), 'utf8')).trim();
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    assert.ok(cmdline.includes(`${machine},accel=tcg`) || cmdline.includes(`${machine},accel=kvm`));
    assert.ok(cmdline.includes('qemu64'), cmdline.join(' '));
    assert.ok(cmdline.some((a) => a.includes('if=pflash') && a.includes('OVMF_CODE_4M.fd')));

    // OVMF's boot manager writes to the serial port: proof the firmware, not SeaBIOS, runs. The
    // tiny guest's disk has a BIOS boot loader only, so OVMF ends in its UEFI shell, which lists
    // the disk (FS0): that screen is what the screenshot shows, not the guest's.
    await until(
      'OVMF to write its boot manager lines to the serial log',
      async () =>
        /BdsDxe|UEFI|EFI/.test(
          await readFile(path.join(dir(), 'serial.log'), 'utf8').catch(() => ''),
        ),
      120_000,
      1000,
    );
    const shot = await fetch(`${stack.baseUrl}/api/v1/instances/${vm.id}/screenshot`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(shot.status, 200);
    const png = Buffer.from(await shot.arrayBuffer());
    await writeFile('/tmp/d1-uefi-screen.png', png);
    assert.ok(png.length > 1000, `a screen with something on it (${png.length} bytes)`);
  });

  test('a change while it runs is pending until the next start, then gone', async () => {
    const set = await stack.call<VmHardwareChange>('PUT', hardware(), {
      firmware: 'bios',
      cpuModel: null,
      boot: ['cdrom', 'disk'],
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.applies, 'next-start');
    assert.deepEqual(set.body.instance.vm?.pendingChanges?.map((c) => c.field).sort(), [
      'boot',
      'cpuModel',
      'firmware',
    ]);
    const firmware = set.body.instance.vm?.pendingChanges?.find((c) => c.field === 'firmware');
    assert.deepEqual(firmware, { field: 'firmware', running: 'uefi', next: 'bios' });

    for (const action of ['stop', 'start']) {
      const res = await stack.call<TaskReply>(
        'POST',
        `/api/v1/instances/${vm.id}/actions/${action}?sync=true`,
        action === 'stop' ? { force: true } : undefined,
      );
      assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    }
    const shown = (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.vm;
    assert.deepEqual(shown?.pendingChanges, []);
    assert.equal(shown?.firmware, 'bios');
  });
});
