import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, type AppError } from '@berth/contracts';
import { containerAddress } from './container-address.js';

const net = {
  name: 'default',
  ipv4: '10.210.0.1/24',
  dhcp: { first: '10.210.0.192', last: '10.210.0.254' },
};

const code = (expected: ErrorCode, pattern: RegExp) => (err: unknown) =>
  (err as AppError).code === expected && pattern.test((err as Error).message);

test('the next free address skips the first few and the used ones', () => {
  assert.equal(containerAddress(undefined, net, ['10.210.0.10']), '10.210.0.11/24');
});

test('an asked-for address is kept when it is free, in the subnet and below the DHCP range', () => {
  assert.equal(containerAddress('10.210.0.9/24', net, []), '10.210.0.9/24');
  assert.throws(
    () => containerAddress('10.210.0.9/24', net, ['10.210.0.9']),
    code(ErrorCode.conflict, /in use/),
  );
  assert.throws(
    () => containerAddress('10.211.0.9/24', net, []),
    code(ErrorCode.conflict, /not a host address/),
  );
  assert.throws(
    () => containerAddress('10.210.0.1/24', net, []),
    code(ErrorCode.conflict, /in use/),
  );
  assert.throws(
    () => containerAddress('10.210.0.250/24', net, []),
    code(ErrorCode.validation, /DHCP/),
  );
});

test('a DHCP range of its own leaves the rest of the subnet to containers', () => {
  const low = { ...net, dhcp: { first: '10.210.0.10', last: '10.210.0.19' } };
  assert.equal(containerAddress(undefined, low, []), '10.210.0.20/24');
  assert.equal(containerAddress('10.210.0.250/24', low, []), '10.210.0.250/24');
});
