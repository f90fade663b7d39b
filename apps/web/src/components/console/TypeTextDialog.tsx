'use client';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { LAYOUTS, layoutById } from '@/lib/keyboard/layouts';
import { planTyping, type KeyPress } from '@/lib/keyboard/typing';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { Modal } from '@/components/ui/Modal';
import { ProgressBar } from '@/components/ui/ProgressBar';

const LAYOUT_KEY = 'berth-guest-layout';

/** How an untypable character reads in a list: visible even when it is a blank or a control. */
const showChar = (c: string) =>
  /\s|\p{C}/u.test(c) ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : c;

/**
 * Types text into the VM key by key, with the keys of the guest's layout. Characters the
 * layout cannot type are listed before anything is sent; typing then skips them only when
 * the user says so.
 */
export function TypeTextDialog({
  type,
  onClose,
}: {
  type: (
    presses: KeyPress[],
    signal: AbortSignal,
    onProgress: (n: number) => void,
  ) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [layoutId, setLayoutId] = useState('us');
  const [progress, setProgress] = useState<{ done: number; of: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    const saved = localStorage.getItem(LAYOUT_KEY);
    if (saved) setLayoutId(layoutById(saved).id);
  }, []);
  useEffect(() => () => abort.current?.abort(), []);

  const layout = layoutById(layoutId);
  const plan = useMemo(() => planTyping(text, layout), [text, layout]);
  const busy = progress !== null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ctl = new AbortController();
    abort.current = ctl;
    setProgress({ done: 0, of: plan.presses.length });
    await type(plan.presses, ctl.signal, (done) => setProgress({ done, of: plan.presses.length }));
    if (!ctl.signal.aborted) onClose();
  };

  return (
    <Modal title="Type text into the VM" onClose={onClose} wide>
      <form onSubmit={(e) => void submit(e)} className="space-y-4">
        <p className="text-sm text-muted">
          Each character is sent as the key that makes it on the guest’s keyboard layout, so pick
          the layout the guest uses. Newlines press Enter.
        </p>
        <Field label="Guest keyboard layout">
          {(a) => (
            <select
              {...a}
              className="input"
              value={layoutId}
              disabled={busy}
              onChange={(e) => {
                setLayoutId(e.target.value);
                localStorage.setItem(LAYOUT_KEY, e.target.value);
              }}
            >
              {LAYOUTS.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Text to type"
          error={
            plan.untypable.length
              ? `The ${layout.label} layout cannot type ${plan.untypable.length === 1 ? 'this character' : 'these characters'}: ${plan.untypable.map(showChar).join(' ')}. ${plan.untypable.length === 1 ? 'It' : 'They'} will be left out.`
              : undefined
          }
        >
          {(a) => (
            <textarea
              {...a}
              rows={8}
              autoFocus
              spellCheck={false}
              className="input font-mono"
              value={text}
              disabled={busy}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        {progress && (
          <div className="space-y-1">
            <ProgressBar
              label="Typing"
              value={progress.of ? (progress.done / progress.of) * 100 : 100}
            />
            <p className="text-xs text-muted" aria-live="polite">
              Typing… {progress.done} of {progress.of} keys
            </p>
          </div>
        )}
        <div className="flex justify-end gap-2">
          <Button
            onClick={() => {
              abort.current?.abort();
              onClose();
            }}
          >
            {busy ? 'Stop typing' : 'Cancel'}
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={plan.presses.length === 0}>
            {plan.untypable.length ? 'Type the rest' : 'Type'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
