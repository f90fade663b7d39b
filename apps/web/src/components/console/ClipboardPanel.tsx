'use client';
import { useId, useState } from 'react';
import { Button } from '@/components/ui/Button';

/**
 * The VM screen's clipboard, beside the screen: text the guest put on the VNC clipboard, with a
 * copy button, and pasting to the guest, which types the text key by key (Type text…), since a
 * guest without a clipboard agent takes text only as keys.
 */
export function ClipboardPanel({
  id,
  guestText,
  onPaste,
  pasteDisabledReason,
  onClose,
}: {
  id: string;
  /** The guest's latest clipboard text; null while it has sent none. */
  guestText: string | null;
  /** Null on a view-only screen: nothing is sent to the guest. */
  onPaste: (() => void) | null;
  pasteDisabledReason: string | null;
  onClose: () => void;
}) {
  const heading = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(guestText ?? '');
      setCopied('yes');
    } catch {
      // Not a secure context or no permission: the text is selectable in the box.
      setCopied('failed');
    }
  };
  return (
    <aside
      id={id}
      aria-labelledby={heading}
      className="absolute top-2 right-2 z-20 flex w-[min(20rem,calc(100%-1rem))] flex-col gap-3 rounded-md border border-line bg-surface p-3 text-sm shadow-lg"
    >
      <div className="flex items-center">
        <h3 id={heading} className="font-semibold">
          Clipboard
        </h3>
        <button
          type="button"
          onClick={onClose}
          className="ml-auto rounded px-1 text-muted hover:text-fg"
          aria-label="Close the clipboard"
        >
          ×
        </button>
      </div>
      <section className="flex flex-col gap-1.5">
        <label htmlFor={`${id}-guest`} className="font-medium">
          From the guest
        </label>
        <textarea
          id={`${id}-guest`}
          readOnly
          rows={4}
          value={guestText ?? ''}
          placeholder="Nothing yet: text the guest copies appears here (it needs a clipboard agent, such as spice-vdagent)."
          className="input resize-y font-mono text-xs"
        />
        <div className="flex items-center gap-2">
          <Button
            size="sm"
            disabledReason={guestText ? null : 'the guest has put no text on the clipboard'}
            onClick={() => void copy()}
          >
            Copy
          </Button>
          <span role="status" className="text-xs text-muted">
            {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select the text and copy it' : ''}
          </span>
        </div>
      </section>
      {onPaste && (
        <section className="flex flex-col gap-1.5 border-t border-line pt-3">
          <p className="font-medium">To the guest</p>
          <p className="text-xs text-muted">
            Pasted text is typed into the guest key by key, with its keyboard layout.
          </p>
          <Button size="sm" disabledReason={pasteDisabledReason} onClick={onPaste}>
            Paste text…
          </Button>
        </section>
      )}
    </aside>
  );
}
