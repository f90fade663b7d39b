import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitedError } from '@berth/contracts';
import { socketCapRefusal } from './console-caps.js';
import type { ConsoleGrant } from './tickets.js';

const limits = { perUser: 3, perConsole: 2, unusedTickets: 5 };

const grant = (over: Partial<ConsoleGrant>): ConsoleGrant => ({
  userId: 'alice',
  sessionId: 's1',
  tokenId: null,
  shareLinkId: null,
  hostId: 'h',
  instanceId: 'ct1',
  kind: 'shell',
  shellId: 'shell-a',
  viewOnly: false,
  ...over,
});

test('a user past their cap of open consoles is refused with the count', () => {
  const open = [
    grant({ shellId: 'a' }),
    grant({ shellId: 'b' }),
    grant({ kind: 'vnc', shellId: null, instanceId: 'vm1' }),
  ];
  const refusal = socketCapRefusal(grant({ shellId: 'c' }), open, limits);
  assert.ok(refusal instanceof RateLimitedError);
  assert.equal(refusal.message, 'too many consoles: 3 open for you; close one');
  // Someone else's consoles do not count against alice.
  assert.equal(socketCapRefusal(grant({ userId: 'bob', shellId: 'c' }), open, limits), null);
});

test('a shell past its cap of viewers is refused, whoever asks', () => {
  const open = [grant({ userId: 'alice' }), grant({ userId: 'bob' })];
  const refusal = socketCapRefusal(grant({ userId: 'carol' }), open, limits);
  assert.equal(refusal?.message, 'too many viewers: 2 on this shell; close one');
  assert.equal(socketCapRefusal(grant({ userId: 'carol', shellId: 'other' }), open, limits), null);
  const screens = [
    grant({ kind: 'vnc', shellId: null, instanceId: 'vm1' }),
    grant({ kind: 'vnc', shellId: null, instanceId: 'vm1', userId: 'bob' }),
  ];
  const vnc = grant({ kind: 'vnc', shellId: null, instanceId: 'vm1', userId: 'carol' });
  assert.equal(
    socketCapRefusal(vnc, screens, limits)?.message,
    "too many viewers: 2 on this VM's screen; close one",
  );
  // The serial port of the same VM is another console.
  assert.equal(socketCapRefusal({ ...vnc, kind: 'serial' }, screens, limits), null);
});

test('consoles opened through a share link count against the link', () => {
  const viaLink = (shellId: string) =>
    grant({ userId: null, sessionId: null, shareLinkId: 'l1', shellId });
  const open = [viaLink('a'), viaLink('b'), viaLink('c')];
  assert.equal(
    socketCapRefusal(viaLink('d'), open, limits)?.message,
    'too many consoles: 3 open through this share link; close one',
  );
  assert.equal(socketCapRefusal(grant({ shellId: 'd' }), open, limits), null);
});
