import { Server } from 'lucide-react';
import type { Host } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { UsageBar } from '@/components/ui/ProgressBar';
import { ProblemReportButton } from '@/components/troubleshooting/ProblemReportButton';
import { NeedsAttention } from './NeedsAttention';

function Meter({
  label,
  used,
  total,
  text,
}: {
  label: string;
  used: number;
  total: number;
  text: string;
}) {
  return (
    <div>
      <div className="mb-1 flex justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span className="text-right text-muted">{text}</span>
      </div>
      <UsageBar used={used} total={total} label={`${label} use`} />
    </div>
  );
}

/** One host: status, CPU/memory/disk use, and how it runs VMs and containers. */
export function HostCard({ host }: { host: Host }) {
  const f = host.facts;
  const load = f?.loadAverage[0] ?? 0;
  return (
    <section aria-label={`Host ${host.name}`} className="card p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-baseline gap-2 font-semibold">
          <Server aria-hidden size={16} className="self-center text-muted" />
          {host.name}
          {/* The machine's own name, and whether it is this server: the local host is named
              "local", so a "local" tag beside it read "local local". */}
          {(f && f.hostname !== host.name) || host.isLocal ? (
            <span className="text-sm font-normal text-muted">
              {[
                f && f.hostname !== host.name ? f.hostname : null,
                host.isLocal ? 'this server' : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </span>
          ) : null}
        </h3>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${
            host.status === 'online'
              ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
              : 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200'
          }`}
        >
          {host.status}
        </span>
      </div>
      {host.error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {host.error}
        </p>
      )}
      {f ? (
        <div className="mt-3 space-y-2.5">
          <Meter
            label="CPU load"
            used={Math.min(load, f.cpus)}
            total={f.cpus}
            text={`${f.loadAverage.map((l) => l.toFixed(2)).join(' / ')} on ${f.cpus} CPU${f.cpus === 1 ? '' : 's'}`}
          />
          <Meter
            label="Memory"
            used={f.memoryBytes - f.memoryAvailableBytes}
            total={f.memoryBytes}
            text={`${formatBytes(f.memoryBytes - f.memoryAvailableBytes)} of ${formatBytes(f.memoryBytes)}`}
          />
          <Meter
            label="Disk"
            used={f.diskBytes - f.diskAvailableBytes}
            total={f.diskBytes}
            text={`${formatBytes(f.diskBytes - f.diskAvailableBytes)} of ${formatBytes(f.diskBytes)}`}
          />
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 pt-1 text-sm">
            <dt className="text-muted">VMs run with</dt>
            <dd>
              {f.virtualization === 'kvm' ? (
                'KVM'
              ) : (
                <span title="No /dev/kvm: QEMU emulates the CPU, which is much slower">
                  TCG (no KVM)
                </span>
              )}
            </dd>
            <dt className="text-muted">LXC</dt>
            <dd>{f.lxcVersion ?? 'not installed'}</dd>
            <dt className="text-muted">QEMU</dt>
            <dd>{f.qemuVersion ?? 'not installed'}</dd>
            <dt className="text-muted">Kernel</dt>
            <dd className="truncate" title={f.kernel}>
              {f.kernel}
            </dd>
            <dt className="text-muted">Network</dt>
            <dd>
              {f.network.bridge} {f.network.cidr}
            </dd>
          </dl>
          <NeedsAttention hostId={host.id} hostName={host.name} leftovers={f.leftovers} />
          <div className="flex justify-end pt-1">
            <ProblemReportButton hostId={host.id} />
          </div>
        </div>
      ) : (
        <p className="mt-3 text-sm text-muted">No facts from this host yet.</p>
      )}
    </section>
  );
}
