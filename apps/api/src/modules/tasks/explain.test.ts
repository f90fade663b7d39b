import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@berth/contracts';
import { explainFailure } from './explain.js';

const explained = (code: string, message: string) => explainFailure({ code, message })!.message;

test('a full disk names the cause and the fix, whichever step noticed it', () => {
  for (const [code, message] of [
    [ErrorCode.insufficientSpace, 'template busybox needs ~220 MB on /var/lib/berth, 84 MB free'],
    [ErrorCode.hostError, 'tar exited 2: tar: ./usr/bin/x: Cannot write: No space left on device'],
    [ErrorCode.internal, "ENOSPC: no space left on device, write '/var/lib/berth/x'"],
  ] as const) {
    const m = explained(code, message);
    assert.ok(m.startsWith(message.replace(/\.$/, '')), 'the original words stay first');
    assert.match(m, /Cause: the disk is full/);
    assert.match(m, /Fix: free space on that filesystem/);
  }
});

test('a missing template names the cause and the fix', () => {
  const m = explained(ErrorCode.validation, 'there is no VM template debian-gone');
  assert.match(m, /Cause: the template it names is not on this host\. Fix: pick a template/);
  assert.match(explained(ErrorCode.notFound, 'template old-one not found'), /Cause: the template/);
});

test('an address in use names the cause and the fix', () => {
  const m = explained(ErrorCode.conflict, 'address 10.0.3.5 is in use');
  assert.match(m, /Cause: the address or port is in use.*Fix: choose a free address/);
  assert.match(
    explained(ErrorCode.hostError, 'listen EADDRINUSE: address already in use 0.0.0.0:5900'),
    /Cause: the address or port is in use/,
  );
});

test('an option QEMU refused names the cause and the fix', () => {
  const m = explained(
    ErrorCode.hostError,
    "qemu-system-x86_64 exited 1: qemu-system-x86_64: -device foo-nic: Parameter 'driver' expects a pluggable device type",
  );
  assert.match(m, /Cause: QEMU refused an option.*Fix: change the hardware setting QEMU names/);
  assert.match(
    explained(ErrorCode.hostError, 'QEMU or the kernel refused the new limits: bad value'),
    /Cause: QEMU refused an option/,
  );
});

test('a license limit names the cause and the fix', () => {
  const m = explained(
    ErrorCode.conflict,
    'license limit reached: running containers 1 of 1 in use on this host under the free edition',
  );
  assert.match(m, /Cause: a license limit.*Fix: stop or remove an instance.*Licenses page/);
});

test('an unknown failure, a missing error and one explained already stay as they are', () => {
  const unknown = { code: ErrorCode.hostError, message: 'lxc-start exited 1: something odd' };
  assert.deepEqual(explainFailure(unknown), unknown);
  assert.equal(explainFailure(null), null);
  const once = explainFailure({ code: ErrorCode.conflict, message: 'address 10.0.3.5 is in use' })!;
  assert.deepEqual(explainFailure(once), once, 'explained once, not twice');
  assert.equal(once.code, ErrorCode.conflict, 'the code is kept');
});
