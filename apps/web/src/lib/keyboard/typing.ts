import type { Layout, Stroke } from './layouts';

/** One key to press and release, with the modifiers to hold around it. */
export interface KeyPress {
  code: string;
  /** The X11 keysym it produces; VNC wants one even when the scancode is what counts. */
  keysym: number;
  shift: boolean;
  altgr: boolean;
}

/** One VNC key event: what rfb.sendKey(keysym, code, down) takes. */
export interface KeyEvent {
  keysym: number;
  code: string;
  down: boolean;
}

export interface TypingPlan {
  presses: KeyPress[];
  /** Characters the layout cannot type, each once, in the order they first appear. */
  untypable: string[];
}

const ENTER = { code: 'Enter', keysym: 0xff0d };
const TAB = { code: 'Tab', keysym: 0xff09 };
const SHIFT = { code: 'ShiftLeft', keysym: 0xffe1 };
/** ISO_Level3_Shift: what AltGr sends on layouts that have one. */
const ALTGR = { code: 'AltRight', keysym: 0xfe03 };

/** Modifiers a user can latch from the console toolbar (held until released again). */
export const STICKY_MODIFIERS = [
  { id: 'ctrl', label: 'Ctrl', code: 'ControlLeft', keysym: 0xffe3 },
  { id: 'alt', label: 'Alt', code: 'AltLeft', keysym: 0xffe9 },
  { id: 'super', label: 'Super', code: 'MetaLeft', keysym: 0xffeb },
] as const;
export type StickyModifier = (typeof STICKY_MODIFIERS)[number]['id'];

/** Latin-1 characters are their own keysym; every other one is 0x01000000 + its code point. */
export function keysymOf(char: string): number {
  const cp = char.codePointAt(0)!;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) ? cp : 0x1000000 + cp;
}

const press = (s: Stroke, keysym: number): KeyPress => ({
  code: s.code,
  keysym,
  shift: !!s.shift,
  altgr: !!s.altgr,
});

function pressesFor(char: string, layout: Layout): KeyPress[] | null {
  if (char === '\n') return [press(ENTER, ENTER.keysym)];
  if (char === '\t') return [press(TAB, TAB.keysym)];
  const direct = layout.keys.get(char);
  if (direct) return [press(direct, keysymOf(char))];
  const space = layout.keys.get(' ')!;
  for (const d of layout.dead.values()) {
    // A dead key's own character: the dead key, then Space.
    if (d.char === char) return [press(d.stroke, d.keysym), press(space, 0x20)];
  }
  // An accented character the layout has no key for: its dead key, then the base letter.
  const [base, mark, ...more] = [...char.normalize('NFD')];
  if (base && mark && more.length === 0) {
    const dead = layout.dead.get(mark);
    const key = layout.keys.get(base);
    if (dead && key) return [press(dead.stroke, dead.keysym), press(key, keysymOf(base))];
  }
  return null;
}

/** The keys that type `text` in the guest's layout; newline is Enter, tab is Tab. */
export function planTyping(text: string, layout: Layout): TypingPlan {
  const presses: KeyPress[] = [];
  const untypable = new Set<string>();
  for (const char of text.replace(/\r\n?/g, '\n')) {
    const p = pressesFor(char, layout);
    if (p) presses.push(...p);
    else untypable.add(char);
  }
  return { presses, untypable: [...untypable] };
}

/** Down and up events for one press, its modifiers held around the key. */
export function keyEvents(p: KeyPress): KeyEvent[] {
  const mods = [...(p.shift ? [SHIFT] : []), ...(p.altgr ? [ALTGR] : [])];
  return [
    ...mods.map((m) => ({ ...m, down: true })),
    { keysym: p.keysym, code: p.code, down: true },
    { keysym: p.keysym, code: p.code, down: false },
    ...mods.reverse().map((m) => ({ ...m, down: false })),
  ];
}
