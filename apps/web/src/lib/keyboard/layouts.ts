/**
 * Guest keyboard layouts, as the guest sees them: which physical key (KeyboardEvent.code)
 * with which modifiers produces a character. QEMU's extended key events carry the physical
 * key, and the guest turns it into a character with its own layout, so typing text means
 * finding the key that makes each character in the *guest's* layout.
 */

/** One physical key and the modifiers held while pressing it. */
export interface Stroke {
  code: string;
  shift?: boolean;
  altgr?: boolean;
}

export interface Layout {
  id: string;
  label: string;
  /** Characters a single stroke types. */
  keys: ReadonlyMap<string, Stroke>;
  /** Dead keys by the combining mark they add to the next character (U+0302 for ^). */
  dead: ReadonlyMap<string, DeadKey>;
}

export interface DeadKey {
  char: string;
  /** The X11 dead_* keysym, sent along with the key. */
  keysym: number;
  stroke: Stroke;
}

/** A character the key types only together with the next one (a dead key). */
interface Dead {
  dead: string;
}
const dead = (char: string): Dead => ({ dead: char });
type Char = string | Dead;

/** [code, plain, with Shift, with AltGr]: one key's characters; '' where it types nothing. */
type Row = readonly [code: string, plain: Char, shift: Char, altgr?: Char];

/** Each dead key's combining mark (what it puts on the next character) and keysym. */
const DEAD: Record<string, { mark: string; keysym: number }> = {
  '`': { mark: '\u0300', keysym: 0xfe50 },
  '´': { mark: '\u0301', keysym: 0xfe51 },
  '^': { mark: '\u0302', keysym: 0xfe52 },
  '~': { mark: '\u0303', keysym: 0xfe53 },
  '¨': { mark: '\u0308', keysym: 0xfe57 },
};

const letters = (except: string): Row[] =>
  [...'abcdefghijklmnopqrstuvwxyz']
    .filter((c) => !except.includes(c))
    .map((c) => [`Key${c.toUpperCase()}`, c, c.toUpperCase()]);

/** `deadKeys: false` is the "nodeadkeys" variant: those keys type their accent at once. */
function layout(id: string, label: string, rows: Row[], deadKeys = true): Layout {
  const keys = new Map<string, Stroke>();
  const deads = new Map<string, DeadKey>();
  const add = (c: Char, stroke: Stroke) => {
    if (typeof c !== 'string') {
      if (!deadKeys) return add(c.dead, stroke);
      const d = DEAD[c.dead]!;
      deads.set(d.mark, { char: c.dead, keysym: d.keysym, stroke });
    } else if (c && !keys.has(c)) keys.set(c, stroke);
  };
  for (const [code, plain, shift, altgr] of rows) {
    add(plain, { code });
    add(shift, { code, shift: true });
    if (altgr) add(altgr, { code, altgr: true });
  }
  keys.set(' ', { code: 'Space' });
  return { id, label, keys, dead: deads };
}

const US: Row[] = [
  ['Backquote', '`', '~'],
  ['Digit1', '1', '!'],
  ['Digit2', '2', '@'],
  ['Digit3', '3', '#'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '^'],
  ['Digit7', '7', '&'],
  ['Digit8', '8', '*'],
  ['Digit9', '9', '('],
  ['Digit0', '0', ')'],
  ['Minus', '-', '_'],
  ['Equal', '=', '+'],
  ['BracketLeft', '[', '{'],
  ['BracketRight', ']', '}'],
  ['Backslash', '\\', '|'],
  ['Semicolon', ';', ':'],
  ['Quote', "'", '"'],
  ['Comma', ',', '<'],
  ['Period', '.', '>'],
  ['Slash', '/', '?'],
  ...letters(''),
];

/** German (Germany), T1 as in X11 "de" and the console's de-latin1. */
const DE: Row[] = [
  ['Backquote', dead('^'), '°'],
  ['Digit1', '1', '!'],
  ['Digit2', '2', '"', '²'],
  ['Digit3', '3', '§', '³'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '&'],
  ['Digit7', '7', '/', '{'],
  ['Digit8', '8', '(', '['],
  ['Digit9', '9', ')', ']'],
  ['Digit0', '0', '=', '}'],
  ['Minus', 'ß', '?', '\\'],
  ['Equal', dead('´'), dead('`')],
  ['KeyQ', 'q', 'Q', '@'],
  ['KeyE', 'e', 'E', '€'],
  ['KeyY', 'z', 'Z'],
  ['KeyZ', 'y', 'Y'],
  ['KeyM', 'm', 'M', 'µ'],
  ['BracketLeft', 'ü', 'Ü'],
  ['BracketRight', '+', '*', '~'],
  ['Semicolon', 'ö', 'Ö'],
  ['Quote', 'ä', 'Ä'],
  ['Backslash', '#', "'"],
  ['IntlBackslash', '<', '>', '|'],
  ['Comma', ',', ';'],
  ['Period', '.', ':'],
  ['Slash', '-', '_'],
  ...letters('qeyzm'),
];

/** French (France), AZERTY as in X11 "fr" and the console's fr-latin9. */
const FR: Row[] = [
  ['Backquote', '²', ''],
  ['Digit1', '&', '1'],
  ['Digit2', 'é', '2', '~'],
  ['Digit3', '"', '3', '#'],
  ['Digit4', "'", '4', '{'],
  ['Digit5', '(', '5', '['],
  ['Digit6', '-', '6', '|'],
  ['Digit7', 'è', '7', '`'],
  ['Digit8', '_', '8', '\\'],
  ['Digit9', 'ç', '9', '^'],
  ['Digit0', 'à', '0', '@'],
  ['Minus', ')', '°', ']'],
  ['Equal', '=', '+', '}'],
  ['KeyQ', 'a', 'A'],
  ['KeyW', 'z', 'Z'],
  ['KeyE', 'e', 'E', '€'],
  ['KeyA', 'q', 'Q'],
  ['KeyZ', 'w', 'W'],
  ['Semicolon', 'm', 'M'],
  ['KeyM', ',', '?'],
  ['Comma', ';', '.'],
  ['Period', ':', '/'],
  ['Slash', '!', '§'],
  ['BracketLeft', dead('^'), dead('¨')],
  ['BracketRight', '$', '£', '¤'],
  ['Quote', 'ù', '%'],
  ['Backslash', '*', 'µ'],
  ['IntlBackslash', '<', '>'],
  ...letters('qwazm'),
];

export const LAYOUTS: readonly Layout[] = [
  layout('us', 'English (US)', US),
  layout('de', 'German', DE),
  layout('de-nodeadkeys', 'German, no dead keys', DE, false),
  layout('fr', 'French (AZERTY)', FR),
];

export const layoutById = (id: string): Layout => LAYOUTS.find((l) => l.id === id) ?? LAYOUTS[0]!;
