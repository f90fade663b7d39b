'use client';
import { useState } from 'react';
import { LifeBuoy } from 'lucide-react';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { Button } from '@/components/ui/Button';
import { ProblemReportDialog } from './ProblemReportDialog';

/** The host's "Problem report" action: the report holds its configs and logs, so host.manage. */
export function ProblemReportButton({ hostId }: { hostId: string }) {
  const me = useMe().data;
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" disabledReason={needs(me, 'host.manage')} onClick={() => setOpen(true)}>
        <LifeBuoy aria-hidden size={14} /> Problem report…
      </Button>
      {open && <ProblemReportDialog hostId={hostId} onClose={() => setOpen(false)} />}
    </>
  );
}
