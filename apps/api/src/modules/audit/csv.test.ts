import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvLine } from './csv.js';

test('plain values pass unquoted; empty for null', () => {
  assert.equal(csvField('instance.start'), 'instance.start');
  assert.equal(csvField(42), '42');
  assert.equal(csvField(null), '');
  assert.equal(csvField(undefined), '');
});

test('quotes, commas and line breaks are quoted, quotes doubled', () => {
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rhere'), '"cr\rhere"');
  assert.equal(csvField({ error: 'x, "y"' }), '"{""error"":""x, \\""y\\""""}"');
});

test('cells a spreadsheet would run as formulas start with an apostrophe', () => {
  assert.equal(csvField('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  assert.equal(csvField('+1+1'), "'+1+1");
  assert.equal(csvField('-2+3'), "'-2+3");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('\t=1'), "'\t=1");
  assert.equal(csvField('\r=1'), `"'\r=1"`);
  assert.equal(csvField('a=1'), 'a=1');
});

test('a line ends with CRLF', () => {
  assert.equal(csvLine(['a', null, 'b,c']), 'a,,"b,c"\r\n');
});
