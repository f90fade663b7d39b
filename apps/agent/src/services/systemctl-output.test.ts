import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSystemctl } from './systemctl-output.js';

test('units and unit files merge into one list with state and boot setting', () => {
  const units = [
    'cron.service     loaded active   running Regular background program processing daemon',
    '● bad.service    loaded failed   failed  A broken one',
    'gone.service     not-found inactive dead gone.service',
  ].join('\n');
  const files = [
    'cron.service enabled enabled',
    'bad.service disabled enabled',
    'getty@.service static -',
  ].join('\n');
  assert.deepEqual(parseSystemctl(units, files), [
    {
      name: 'bad.service',
      description: 'A broken one',
      active: 'failed',
      sub: 'failed',
      boot: 'disabled',
    },
    {
      name: 'cron.service',
      description: 'Regular background program processing daemon',
      active: 'active',
      sub: 'running',
      boot: 'enabled',
    },
    { name: 'getty@.service', description: '', active: 'inactive', sub: 'dead', boot: 'static' },
    {
      name: 'gone.service',
      description: 'gone.service',
      active: 'inactive',
      sub: 'dead',
      boot: null,
    },
  ]);
});
