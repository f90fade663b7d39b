'use client';
import { Button } from '@/components/ui/Button';
import { errorText } from '@/lib/errorText';
import { useVerifyAudit } from '@/queries/useAudit';

/** "Verify chain": walks every row's hash link on the server and says where it broke, if anywhere. */
export function ChainCheck() {
  const verify = useVerifyAudit();
  const r = verify.data;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button size="sm" busy={verify.isPending} onClick={() => verify.mutate()}>
        Verify chain
      </Button>
      <p role="status" className="text-sm">
        {verify.isError && (
          <span className="text-red-700 dark:text-red-300">{errorText(verify.error)}</span>
        )}
        {r?.ok && (
          <span className="text-emerald-800 dark:text-emerald-300">
            ✓ Chain intact: {r.checked.toLocaleString()} rows checked from #{r.fromSeq}.
          </span>
        )}
        {r && !r.ok && r.firstBroken && (
          <span className="font-medium text-red-700 dark:text-red-300">
            ✗ Broken at row #{r.firstBroken.seq} ({r.firstBroken.id}): {r.firstBroken.reason}.{' '}
            {r.checked.toLocaleString()} rows from #{r.fromSeq} held before it.
          </span>
        )}
      </p>
    </div>
  );
}
