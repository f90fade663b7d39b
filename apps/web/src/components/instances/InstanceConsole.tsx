'use client';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { instanceScreenshotUrl } from '@/api/instances';
import { canScreenshot } from '@/lib/instanceActions';
import { Button } from '@/components/ui/Button';

/** The interactive console comes later; a VM shows its latest screen, refreshable. */
export function InstanceConsole({ instance }: { instance: Instance }) {
  const [nonce, setNonce] = useState(() => Date.now());
  const [status, setStatus] = useState<'loading' | 'ok' | 'failed'>('loading');
  const why = canScreenshot(instance);
  return (
    <div className="space-y-4">
      <p className="rounded-lg border border-line bg-surface p-4 text-sm">
        The interactive console ({instance.kind === 'vm' ? 'the VM’s screen' : 'a shell'} in the
        browser) comes in a later release.
      </p>
      {instance.kind === 'vm' && (
        <section aria-labelledby="shot" className="card p-4">
          <div className="mb-3 flex items-center justify-between gap-2">
            <h2 id="shot" className="font-semibold">
              Screenshot
            </h2>
            <Button
              size="sm"
              disabledReason={why}
              busy={!why && status === 'loading'}
              onClick={() => {
                setStatus('loading');
                setNonce(Date.now());
              }}
            >
              Refresh screenshot
            </Button>
          </div>
          {why ? (
            <p className="text-sm text-muted">No screenshot: {why}.</p>
          ) : status === 'failed' ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              The screenshot could not be taken.
            </p>
          ) : (
            // A plain <img>: the export has no image optimizer, and this PNG changes on every refresh.
            <img
              key={nonce}
              src={instanceScreenshotUrl(instance.id, nonce)}
              alt={`Screen of ${instance.name}`}
              className="max-w-full rounded border border-line bg-black"
              onLoad={() => setStatus('ok')}
              onError={() => setStatus('failed')}
            />
          )}
        </section>
      )}
    </div>
  );
}
