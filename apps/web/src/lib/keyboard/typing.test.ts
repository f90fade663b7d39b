import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LAYOUTS, layoutById } from './layouts';
import { keyEvents, keysymOf, planTyping, type KeyPress } from './typing';

/** A press as "Shift+AltGr+Code", the way a person would write it. */
const show = (p: KeyPress) =>
  [p.shift && 'Shift', p.altgr && 'AltGr', p.code].filter(Boolean).join('+');
const keys = (text: string, layout: string) =>
  planTyping(text, layoutById(layout)).presses.map(show);

const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

describe('planTyping', () => {
  test('US: letters, shifted symbols, newline and tab', () => {
    assert.deepEqual(keys('aA"\n\t', 'us'), ['KeyA', 'Shift+KeyA', 'Shift+Quote', 'Enter', 'Tab']);
    assert.deepEqual(keys('a b', 'us'), ['KeyA', 'Space', 'KeyB']);
  });

  test('CRLF and a lone CR are one Enter each', () => {
    assert.deepEqual(keys('a\r\nb\rc', 'us'), ['KeyA', 'Enter', 'KeyB', 'Enter', 'KeyC']);
  });

  test('German: the physical keys of QWERTZ', () => {
    assert.deepEqual(keys('z', 'de'), ['KeyY']);
    assert.deepEqual(keys('y', 'de'), ['KeyZ']);
    assert.deepEqual(keys('Z', 'de'), ['Shift+KeyY']);
    assert.deepEqual(keys('@', 'de'), ['AltGr+KeyQ']);
    assert.deepEqual(keys('ß', 'de'), ['Minus']);
    assert.deepEqual(keys('-', 'de'), ['Slash']);
    assert.deepEqual(keys('/', 'de'), ['Shift+Digit7']);
    assert.deepEqual(keys('"', 'de'), ['Shift+Digit2']);
    assert.deepEqual(keys('|', 'de'), ['AltGr+IntlBackslash']);
    assert.deepEqual(keys('ä€', 'de'), ['Quote', 'AltGr+KeyE']);
  });

  test('German dead keys: the accent alone is dead key + Space, an accented letter dead key + letter', () => {
    assert.deepEqual(keys('^', 'de'), ['Backquote', 'Space']);
    assert.deepEqual(keys('`', 'de'), ['Shift+Equal', 'Space']);
    assert.deepEqual(keys('ê', 'de'), ['Backquote', 'KeyE']);
    assert.deepEqual(keys('É', 'de'), ['Equal', 'Shift+KeyE']);
    // Without dead keys the accent key types itself, and there is no way to compose ê.
    assert.deepEqual(keys('^', 'de-nodeadkeys'), ['Backquote']);
    assert.deepEqual(planTyping('ê', layoutById('de-nodeadkeys')).untypable, ['ê']);
  });

  test('French: AZERTY, digits with Shift, AltGr symbols, circumflex by dead key', () => {
    assert.deepEqual(keys('azqwm', 'fr'), ['KeyQ', 'KeyW', 'KeyA', 'KeyZ', 'Semicolon']);
    assert.deepEqual(keys('1', 'fr'), ['Shift+Digit1']);
    assert.deepEqual(keys('@', 'fr'), ['AltGr+Digit0']);
    assert.deepEqual(keys('.', 'fr'), ['Shift+Comma']);
    assert.deepEqual(keys('ê', 'fr'), ['BracketLeft', 'KeyE']);
    assert.deepEqual(keys('ï', 'fr'), ['Shift+BracketLeft', 'KeyI']);
    // A direct key beats the dead one.
    assert.deepEqual(keys('^', 'fr'), ['AltGr+Digit9']);
  });

  test('characters the layout cannot type are reported once each, in order, and skipped', () => {
    const plan = planTyping('aä€bä😀', layoutById('us'));
    assert.deepEqual(plan.untypable, ['ä', '€', '😀']);
    assert.deepEqual(plan.presses.map(show), ['KeyA', 'KeyB']);
  });

  for (const layout of LAYOUTS) {
    test(`${layout.id}: types every printable ASCII character`, () => {
      assert.deepEqual(planTyping(ASCII, layout).untypable, []);
    });

    test(`${layout.id}: no two characters on the same key and modifiers`, () => {
      const seen = new Map<string, string>();
      for (const [char, s] of layout.keys) {
        const k = show({ code: s.code, keysym: 0, shift: !!s.shift, altgr: !!s.altgr });
        assert.equal(seen.get(k), undefined, `${k} types both ${seen.get(k)} and ${char}`);
        seen.set(k, char);
      }
      for (const d of layout.dead.values()) {
        const k = show({ code: d.stroke.code, keysym: 0, shift: !!d.stroke.shift, altgr: false });
        assert.equal(seen.get(k), undefined, `${k} is a dead key and types ${seen.get(k)}`);
      }
    });
  }
});

describe('keysyms', () => {
  test('Latin-1 is the code point, the rest is Unicode + 0x01000000', () => {
    assert.equal(keysymOf('a'), 0x61);
    assert.equal(keysymOf('ß'), 0xdf);
    assert.equal(keysymOf('€'), 0x10020ac);
  });

  test('each press carries the keysym of what it types', () => {
    const [enter, e, dead] = [
      ...planTyping('\n', layoutById('us')).presses,
      ...planTyping('e', layoutById('de')).presses,
      ...planTyping('ê', layoutById('de')).presses,
    ];
    assert.equal(enter!.keysym, 0xff0d);
    assert.equal(e!.keysym, 0x65);
    assert.equal(dead!.keysym, 0xfe52);
  });
});

describe('keyEvents', () => {
  test('modifiers go down before the key and up after it, innermost first', () => {
    const [at] = planTyping('@', layoutById('de')).presses;
    assert.deepEqual(keyEvents(at!), [
      { code: 'AltRight', keysym: 0xfe03, down: true },
      { code: 'KeyQ', keysym: 0x40, down: true },
      { code: 'KeyQ', keysym: 0x40, down: false },
      { code: 'AltRight', keysym: 0xfe03, down: false },
    ]);
    const [bar] = planTyping('|', layoutById('us')).presses;
    assert.deepEqual(
      keyEvents(bar!).map((e) => `${e.code}${e.down ? '↓' : '↑'}`),
      ['ShiftLeft↓', 'Backslash↓', 'Backslash↑', 'ShiftLeft↑'],
    );
  });
});
