'use client';
import { useState } from 'react';
import { ShieldAlert } from 'lucide-react';
import type { UpgradablePackage } from '@berth/contracts';
import { Button } from '@/components/ui/Button';

const PAGE = 25;

/** Upgradable packages, security ones first, a page at a time. */
export function PackageTable({
  packages,
  caption,
}: {
  packages: UpgradablePackage[];
  caption: string;
}) {
  const [shown, setShown] = useState(PAGE);
  const sorted = [...packages].sort(
    (a, b) => Number(b.security) - Number(a.security) || a.name.localeCompare(b.name),
  );
  return (
    <div className="space-y-2">
      <div
        className="overflow-x-auto rounded border border-line"
        role="region"
        aria-label={caption}
        tabIndex={0}
      >
        <table className="w-full text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="text-left text-xs text-muted uppercase">
            <tr>
              <th className="px-3 py-1.5">Package</th>
              <th className="px-3 py-1.5">Installed</th>
              <th className="px-3 py-1.5">Available</th>
              <th className="hidden px-3 py-1.5 md:table-cell">From</th>
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, shown).map((p) => (
              <tr key={`${p.name}:${p.arch}`} className="border-t border-line">
                <td className="px-3 py-1.5 font-medium">
                  <span className="inline-flex items-center gap-1.5">
                    {p.name}
                    {p.security && (
                      <span className="inline-flex items-center gap-0.5 rounded-full bg-red-100 px-1.5 text-xs text-red-800 dark:bg-red-900/50 dark:text-red-200">
                        <ShieldAlert aria-hidden size={12} /> security
                      </span>
                    )}
                  </span>
                </td>
                <td className="px-3 py-1.5 font-mono text-xs">{p.from}</td>
                <td className="px-3 py-1.5 font-mono text-xs">{p.to}</td>
                <td className="hidden px-3 py-1.5 text-muted md:table-cell">{p.origin}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sorted.length > shown && (
        <Button size="sm" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, sorted.length - shown)} more of {sorted.length - shown}
        </Button>
      )}
    </div>
  );
}
