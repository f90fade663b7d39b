import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, type AppError } from '@berth/contracts';
import { containerAddress } from './container-address.js';

const code = (expected: ErrorCode, pattern: RegExp) => (err: unknown) =>
  (err as AppError).code === expected && pattern.test((err as Error).message);

test('the next free address skips the first few and the used ones', () => {
  assert.equal(containerAddress(undefined, '10.210.0.1/24', ['10.210.0.10']), '10.210.0.11/24');
});

test('an asked-for address is kept when it is free, in the subnet and below the DHCP range', () => {
  assert.equal(containerAddress('10.210.0.9/24', '10.210.0.1/24', []), '10.210.0.9/24');
  assert.throws(
    () => containerAddress('10.210.0.9/24', '10.210.0.1/24', ['10.210.0.9']),
    code(ErrorCode.conflict, /in use/),
  );
  assert.throws(
    () => containerAddress('10.211.0.9/24', '10.210.0.1/24', []),
    code(ErrorCode.validation, /not a host address/),
  );
  assert.throws(
    () => containerAddress('10.210.0.1/24', '10.210.0.1/24', []),
    code(ErrorCode.conflict, /in use/),
  );
  assert.throws(
    () => containerAddress('10.210.0.250/24', '10.210.0.1/24', []),
    code(ErrorCode.validation, /DHCP/),
  );
});
