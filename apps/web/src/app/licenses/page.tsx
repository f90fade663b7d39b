'use client';
import { LicenseCard } from '@/components/licenses/LicenseCard';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useLicenses } from '@/queries/useLicenses';

export default function LicensesPage() {
  const me = useMe().data;
  const licenses = useLicenses();
  const manage = needs(me, 'license.manage');
  const o = licenses.data;
  return (
    <>
      <PageHeader
        title="Licenses"
        description="The console-wide license applies to every host without one of its own. Limits count running instances per host; nothing running is ever stopped by a license."
      />
      {licenses.isPending ? (
        <LoadingState label="Loading licenses…" />
      ) : licenses.isError ? (
        <ErrorState error={licenses.error} onRetry={() => void licenses.refetch()} />
      ) : (
        o && (
          <div className="space-y-6">
            {o.testKeysTrusted && (
              <p
                role="note"
                className="card border-amber-400 p-3 text-sm"
                data-testid="test-keys-note"
              >
                Test licenses are accepted (BERTH_TRUST_TEST_LICENSES=1): licenses signed with the
                test key in the repository count as valid. Production never sets this.
              </p>
            )}
            <p className="text-sm text-muted">
              Free edition (no license): {o.free.hosts} host, {o.free.runningVms} running VMs,{' '}
              {o.free.runningContainers} running containers, {o.free.coresPerHost} cores per host.
            </p>
            <LicenseCard view={o.console} title="Console-wide" manage={manage} otherHosts={[]} />
            {o.hosts.map((h) => (
              <LicenseCard
                key={h.hostId}
                view={h}
                title={`Host ${h.hostName}`}
                manage={manage}
                otherHosts={o.hosts
                  .filter((x) => x.hostId !== h.hostId)
                  .map((x) => ({ id: x.hostId!, name: x.hostName ?? x.hostId! }))}
              />
            ))}
          </div>
        )
      )}
    </>
  );
}
