'use client';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useHosts } from '@/queries/useHosts';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { ContainerUpdatesSection } from './ContainerUpdatesSection';
import { HostUpdatesCard } from './HostUpdatesCard';
import { TemplateCachesSection } from './TemplateCachesSection';

export default function UpdatesPage() {
  const me = useMe().data;
  const hosts = useHosts();
  return (
    <>
      <PageHeader
        title="Updates"
        description="Berth's version and each host's upgradable packages, packages inside containers, and the template caches new containers start from."
      />
      <div className="space-y-6">
        <section aria-label="Hosts" className="space-y-3">
          <h2 className="font-semibold">Hosts</h2>
          {hosts.isPending ? (
            <LoadingState label="Loading hosts…" />
          ) : hosts.isError ? (
            <ErrorState error={hosts.error} onRetry={() => void hosts.refetch()} />
          ) : (
            hosts.data.map((h) => <HostUpdatesCard key={h.id} host={h} />)
          )}
        </section>
        <ContainerUpdatesSection />
        {can(me, 'template.view') && <TemplateCachesSection />}
      </div>
    </>
  );
}
