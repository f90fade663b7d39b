'use client';
import { Button } from '@/components/ui/Button';

const popoutUrl = (id: string, view?: 'screen' | 'serial') =>
  `/instances/console/?id=${encodeURIComponent(id)}${view ? `&view=${view}` : ''}`;

/** Opens the console in a window of its own; one window per instance, reused by a second click. */
export function PopOutButton({
  instanceId,
  view,
}: {
  instanceId: string;
  view?: 'screen' | 'serial';
}) {
  return (
    <Button
      size="sm"
      title="Open the console in its own window"
      onClick={() =>
        window.open(
          popoutUrl(instanceId, view),
          `berth-console-${instanceId}`,
          'popup,width=1100,height=820',
        )
      }
    >
      Pop out
    </Button>
  );
}
