import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nft, nftListTables, nftLoad, NftQueue, nftTableNames } from './nft.js';

/** A loader that records what it was given and lets the test say when each load ends. */
function recorder(fails: (script: string) => boolean = () => false) {
  const loads: string[] = [];
  let running = 0;
  let most = 0;
  const gates: Array<() => void> = [];
  const queue = new NftQueue(async (script) => {
    running += 1;
    most = Math.max(most, running);
    loads.push(script);
    await new Promise<void>((resolve) => gates.push(resolve));
    running -= 1;
    if (fails(script)) throw new Error(`bad: ${script}`);
  });
  /** Ends the loads begun so far, and lets the queue begin the next. */
  const release = async () => {
    for (let i = 0; i < 5; i++) {
      gates.splice(0).forEach((open) => open());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { queue, loads, release, most: () => most };
}

test('scripts queued while one loads are loaded together as one transaction, one load at a time', async () => {
  const { queue, loads, release, most } = recorder();
  const first = queue.script('a');
  await new Promise((resolve) => setImmediate(resolve));
  const rest = ['b', 'c', 'd'].map((s) => queue.script(s));
  await release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(loads, ['a', 'b\nc\nd']);
  assert.equal(most(), 1);
});

test('a batch that fails is loaded again one by one: only the bad script fails', async () => {
  const { queue, loads, release } = recorder((s) => s.split('\n').includes('bad'));
  const first = queue.script('a');
  await new Promise((resolve) => setImmediate(resolve));
  const [good, bad, also] = ['b', 'bad', 'c'].map((s) => queue.script(s));
  const outcomes = Promise.allSettled([first, good!, bad!, also!]);
  await release();
  const settled = await outcomes;
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((settled[2] as PromiseRejectedResult).reason), /bad: bad$/);
  assert.deepEqual(loads, ['a', 'b\nbad\nc', 'b', 'bad', 'c']);
});

test('a command closes the batch being gathered: nothing queued after it runs before it', async () => {
  const { queue, loads, release } = recorder();
  const order: string[] = [];
  const first = queue.script('a').then(() => order.push('a'));
  const second = queue.script('b').then(() => order.push('b'));
  const listing = queue.command(async () => {
    order.push('list');
    return 'listed';
  });
  const third = queue.script('c').then(() => order.push('c'));
  await release();
  await Promise.all([first, second, third]);
  assert.equal(await listing, 'listed');
  assert.deepEqual(loads, ['a\nb', 'c']);
  assert.deepEqual(order, ['a', 'b', 'list', 'c']);
});

test('tables are listed one by one in one nft process: each by name, a missing one left out', async (t) => {
  const names = ['a', 'b'].map((x) => `berth_test_list_${process.pid}_${x}`);
  t.after(async () => {
    for (const name of names) await nft(['delete', 'table', 'bridge', name]);
  });
  await nftLoad(
    names
      .map(
        (name, i) =>
          `table bridge ${name} {\n  counter seen {}\n  chain c {\n    ether type ip counter comment "r${i}"\n  }\n}\n`,
      )
      .join(''),
  );
  const missing = `berth_test_list_${process.pid}_gone`;
  const listed = await nftListTables('bridge', [names[0]!, missing, names[1]!]);
  assert.deepEqual([...listed.keys()], names);
  const objects = listed.get(names[1]!)!;
  assert.ok(objects.some((o) => (o.counter as { name?: string } | undefined)?.name === 'seen'));
  assert.ok(objects.some((o) => (o.rule as { comment?: string } | undefined)?.comment === 'r1'));
  await assert.rejects(nftListTables('bridge', ['x\nflush ruleset']), /not an nft table name/);
});

test('every table is named, one with a set and one with none, in each family', async (t) => {
  const bridge = `berth_test_names_${process.pid}_b`;
  const inet = `berth_test_names_${process.pid}_i`;
  t.after(async () => {
    await nft(['delete', 'table', 'bridge', bridge]);
    await nft(['delete', 'table', 'inet', inet]);
  });
  await nftLoad(
    `table bridge ${bridge} {\n  chain c {\n    counter\n  }\n}\n` +
      `table inet ${inet} {\n  set seen { type ipv4_addr; elements = { 10.0.0.1 } }\n}\n`,
  );
  const ours = (await nftTableNames()).filter((x) => x.name.startsWith('berth_test_names_'));
  assert.deepEqual(ours, [
    { family: 'bridge', name: bridge },
    { family: 'inet', name: inet },
  ]);
});
