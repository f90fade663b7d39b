import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statFields, uptimeFromProc } from './proc.js';

test('uptime from /proc survives a command name with spaces and parentheses', () => {
  // After the command name: state (field 3), then fields 4 onwards; starttime is field 22.
  const after = Array.from({ length: 40 }, (_, i) => String(i + 3));
  after[19] = '1000';
  const stat = `77 (my (weird) init) ${after.join(' ')}`;
  assert.equal(uptimeFromProc(stat, '25.50 40.00'), 15);
});

test('stat fields start at the state, whatever the command name holds', () => {
  assert.deepEqual(statFields('9 (a) b) S 1 9').slice(0, 2), ['S', '1']);
});
