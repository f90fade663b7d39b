import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitArgv } from './argv';

const argv = (line: string) => {
  const r = splitArgv(line);
  assert.ok('argv' in r, `expected argv for ${line}`);
  return r.argv;
};

test('blanks separate words, runs of them count once', () => {
  assert.deepEqual(argv('  ls   -la\t/tmp '), ['ls', '-la', '/tmp']);
  assert.deepEqual(argv(''), []);
});

test('single quotes keep everything, double quotes keep blanks and take some escapes', () => {
  assert.deepEqual(argv(`sh -c 'echo "$HOME" | wc -c'`), ['sh', '-c', 'echo "$HOME" | wc -c']);
  assert.deepEqual(argv(`echo "a  b" "say \\"hi\\"" "back\\\\slash" "\\n stays"`), [
    'echo',
    'a  b',
    'say "hi"',
    'back\\slash',
    '\\n stays',
  ]);
});

test('quotes join with the text around them, and an empty quoted word is a word', () => {
  assert.deepEqual(argv(`--name='my vm'x ""`), ['--name=my vmx', '']);
});

test('a backslash escapes the next character outside quotes', () => {
  assert.deepEqual(argv('touch a\\ b \\$x'), ['touch', 'a b', '$x']);
});

test('an open quote or a trailing backslash is an error, not a guess', () => {
  assert.deepEqual(splitArgv(`echo 'oops`), { error: 'a single quote is not closed' });
  assert.deepEqual(splitArgv(`echo "oops`), { error: 'a double quote is not closed' });
  assert.deepEqual(splitArgv('echo \\'), { error: 'the line ends with a lone backslash' });
});

test('backslash-newline continues the line, in and out of double quotes', () => {
  assert.deepEqual(argv('echo a\\\nb "c\\\nd"'), ['echo', 'ab', 'cd']);
});
