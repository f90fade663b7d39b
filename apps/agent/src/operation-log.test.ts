import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OperationLogBook,
  STDERR_TAIL_BYTES,
  logCommand,
  operationScope,
  redactArgs,
  redactText,
} from './operation-log.js';
import { EventBus } from './events.js';
import { Operations } from './operations.js';
import { exec, run } from './run.js';

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

const line = (message: string) => ({
  at: new Date().toISOString(),
  type: 'progress' as const,
  message,
  progress: null,
  command: null,
  failed: false,
});

test('a log under its cap keeps every line in order, numbered from 0', () => {
  const book = new OperationLogBook(10);
  for (let i = 0; i < 10; i++) book.add(line(`l${i}`));
  const lines = book.lines();
  assert.deepEqual(
    lines.map((l) => l.message),
    Array.from({ length: 10 }, (_, i) => `l${i}`),
  );
  assert.deepEqual(
    lines.map((l) => l.seq),
    Array.from({ length: 10 }, (_, i) => i),
  );
});

test('a log over its cap keeps its head and its latest lines and says how many it dropped', () => {
  const book = new OperationLogBook(2000);
  for (let i = 0; i < 5000; i++) book.add(line(`l${i}`));
  const lines = book.lines();
  assert.equal(lines.length, 2001);
  assert.equal(lines[0]?.message, 'l0');
  assert.equal(lines[999]?.message, 'l999');
  assert.equal(lines[1000]?.type, 'note');
  assert.equal(lines[1000]?.message, '… 3000 lines dropped');
  assert.equal(lines[1001]?.message, 'l4000');
  assert.equal(lines.at(-1)?.message, 'l4999');
  assert.equal(lines.at(-1)?.seq, 2000);
});

test('values after secret flags, assigned to them, and secrets of the environment are masked', () => {
  const secrets = ['hunter2-long-secret'];
  assert.deepEqual(
    redactArgs(
      [
        'tool',
        '--password',
        'p4ss',
        '--db-password=abc',
        '-token',
        't0k',
        'API_KEY=xyz',
        '--name',
        'web1',
        'x=hunter2-long-secret',
      ],
      secrets,
    ),
    [
      'tool',
      '--password',
      '***',
      '--db-password=***',
      '-token',
      '***',
      'API_KEY=***',
      '--name',
      'web1',
      'x=***',
    ],
  );
  assert.equal(
    redactText('auth failed for hunter2-long-secret here', secrets),
    'auth failed for *** here',
  );
});

test('the environment is read for secrets: a token-named variable never reaches the log', async () => {
  process.env.BERTH_TEST_SECRET_TOKEN = 's3cr3t-value-from-env';
  try {
    const book = new OperationLogBook();
    await operationScope.run({ log: book, signal: new AbortController().signal }, () =>
      exec('sh', ['-c', 'echo "$0" >&2; exit 3', 's3cr3t-value-from-env']),
    );
    const [cmd] = book.lines();
    assert.ok(cmd);
    assert.doesNotMatch(JSON.stringify(cmd), /s3cr3t-value-from-env/);
    assert.equal(cmd.command?.stderr.trim(), '***');
    assert.equal(cmd.command?.code, 3);
    assert.equal(cmd.failed, true);
  } finally {
    delete process.env.BERTH_TEST_SECRET_TOKEN;
  }
});

test('host commands run under an operation are logged with exit code, time and stderr tail; others are not', async () => {
  const book = new OperationLogBook();
  const scope = { log: book, signal: new AbortController().signal };
  await operationScope.run(scope, async () => {
    await run('true', []);
    await run('sh', ['-c', 'exit 1'], { okCodes: [1] });
    await assert.rejects(run('sh', ['-c', 'head -c 10000 /dev/zero | tr "\\0" x >&2; exit 2']));
  });
  await run('true', ['outside']);
  const lines = book.lines();
  assert.equal(lines.length, 3);
  const [ok, answer, failed] = lines;
  assert.equal(ok?.message, 'true');
  assert.deepEqual(ok?.command?.args, []);
  assert.equal(ok?.command?.code, 0);
  assert.equal(ok?.failed, false);
  assert.equal(answer?.command?.code, 1);
  assert.equal(answer?.failed, false, 'an ok code is an answer, not a failure');
  assert.equal(failed?.failed, true);
  assert.equal(failed?.command?.code, 2);
  assert.ok((failed?.command?.stderr.length ?? 0) <= STDERR_TAIL_BYTES + 1);
  assert.match(failed?.command?.stderr ?? '', /^…x+$/);
});

test('a command outside any operation is not logged anywhere', () => {
  assert.doesNotThrow(() => logCommand('x', [])({ code: 0, timedOut: false, stderr: '' }));
});

test('an operation logs its start, steps, progress, commands in the order they began, and its end', async () => {
  const ops = new Operations(new EventBus());
  const op = ops.start('template.build', 'busybox', async (progress, step) => {
    await step('build.fetch');
    progress(10, 'fetching');
    const slow = run('sleep', ['0.3']);
    progress(12, 'fetching');
    progress(25, 'fetching');
    await slow;
    progress(60, 'packing');
    throw new Error('packing failed');
  });
  await until('the command to start', () => ops.log(op.id).lines.some((l) => l.command));
  const running = ops.log(op.id).lines.find((l) => l.command);
  assert.equal(running?.command?.code, null, 'a running command has no exit code yet');
  await ops.wait(op.id, 10_000);
  const lines = ops.log(op.id).lines;
  assert.deepEqual(
    lines.map((l) => `${l.type}:${l.message}`),
    [
      'note:template.build busybox started',
      'step:build.fetch',
      'progress:fetching',
      'command:sleep 0.3',
      'progress:fetching',
      'progress:packing',
      lines.at(-1)?.type === 'note' ? `note:${lines.at(-1)?.message}` : 'missing end',
    ],
  );
  assert.match(lines.at(-1)?.message ?? '', /^failed after \d+\.\d s: packing failed$/);
  assert.equal(lines.at(-1)?.failed, true);
  assert.deepEqual(
    lines.filter((l) => l.type === 'progress').map((l) => l.progress),
    [10, 25, 60],
    'the same step is noted again only when it moves by a tenth',
  );
});
