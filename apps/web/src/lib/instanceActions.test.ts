import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_ROLES, type Me } from '@berth/contracts';
import { anInstance } from '../events/testFixtures';
import { actionDenied } from './instanceActions';

const meWith = (grants: Me['grants']): Me => ({
  id: 'u1',
  username: 'someone',
  via: 'session',
  totpEnabled: false,
  permissions: [...new Set(grants.filter((g) => g.scope === 'all').flatMap((g) => g.permissions))],
  grants,
});
const grant = (
  role: 'admin' | 'operator' | 'auditor',
  scope: 'all' | 'tag' = 'all',
  scopeValue = '',
) => ({
  role,
  roleName: role,
  scope,
  scopeValue,
  permissions: [...BUILTIN_ROLES[role].permissions],
});

test('an auditor sees instance actions disabled with the permission they need', () => {
  const box = anInstance();
  const auditor = meWith([grant('auditor')]);
  assert.equal(actionDenied(auditor, box, 'start'), 'needs instance.power');
  assert.equal(actionDenied(auditor, box, 'delete'), 'needs instance.delete');
  assert.equal(actionDenied(meWith([grant('operator')]), box, 'start'), null);
  assert.equal(actionDenied(null, box, 'start'), 'needs instance.power');
});

test('a tag-scoped operator may act on tagged instances only', () => {
  const op = meWith([grant('operator', 'tag', 'customer-a')]);
  assert.equal(actionDenied(op, anInstance({ tags: ['customer-a'] }), 'stop'), null);
  assert.equal(
    actionDenied(op, anInstance({ tags: ['customer-b'] }), 'stop'),
    'needs instance.power',
  );
});
