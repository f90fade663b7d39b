import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSubsequence, matchScore, rankCommands } from './palette';

const cmds = [
  { label: 'Dashboard', keywords: 'go page home overview' },
  { label: 'Tasks', keywords: 'go page jobs progress' },
  { label: 'web1', keywords: 'open 101 ct container running' },
  { label: 'Console web1', keywords: '101 ct container shell' },
  { label: 'Stop web1', keywords: '101 ct container running' },
  { label: 'Start db', keywords: '102 ct container stopped' },
  { label: 'Start web10', keywords: '110 ct container stopped' },
  { label: 'Restart web1', keywords: '101 ct container running' },
];
const labels = (q: string) => rankCommands(cmds, q).map((c) => c.label);

test('every typed word must be found', () => {
  // "Restart" holds "start" inside a word: it ranks below a label word that begins with it.
  assert.deepEqual(labels('start web1'), ['Start web10', 'Restart web1']);
  assert.equal(labels('stop web1')[0], 'Stop web1');
  assert.equal(matchScore('start nothing', cmds[5]!), 0);
});

test('a CT ID finds the instance by its keywords', () => {
  assert.equal(labels('console 101')[0], 'Console web1');
});

test('a whole label word ranks above a prefix, a prefix above text inside a word', () => {
  assert.deepEqual(labels('web1').slice(0, 1), ['web1']);
  assert.ok(labels('start').indexOf('Start db') < labels('start').indexOf('Restart web1'));
});

test('scattered letters match the label last', () => {
  assert.ok(isSubsequence('tsk', 'tasks'));
  assert.ok(!isSubsequence('tks', 'stack'));
  assert.deepEqual(labels('tsk'), ['Tasks']);
});

test('an empty query keeps the given order; the limit holds', () => {
  assert.deepEqual(
    labels(''),
    cmds.map((c) => c.label),
  );
  assert.equal(rankCommands(cmds, '', 3).length, 3);
});

test('case and separators do not matter', () => {
  assert.deepEqual(labels('CONSOLE Web1'), ['Console web1']);
  assert.deepEqual(labels('iso'), []);
});
