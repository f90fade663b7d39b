'use client';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { ChevronDown, ChevronRight, Server } from 'lucide-react';
import { forwardRef, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Me } from '@berth/contracts';
import { can } from '@/lib/can';
import { isActivePage, pagesFor } from '@/lib/navigation';
import { buildTree, type TreeGroup, type TreeGrouping } from '@/lib/resourceTree';
import { useStoredState } from '@/lib/useStoredState';
import { DrawMore } from '@/components/ui/DrawMore';
import { useHosts } from '@/queries/useHosts';
import { useInstances } from '@/queries/useInstances';
import { KindIcon, StateIcon } from './icons';

/** Names listed per group before "Show all". */
const GROUP_CAP = 50;
/**
 * Names drawn per group until the tree is scrolled near the last one drawn; then 50 more. The
 * tree shows a dozen names at 1280x800; the rest of the first 50 were some 360 of the list
 * page's 2,078 elements, drawn and laid out on every page's first screen with nobody looking.
 */
const DRAWN_FIRST = 20;
const isGrouping = (v: unknown): v is TreeGrouping => v === 'kind' || v === 'tag';
const isKeyList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((k) => typeof k === 'string');

function Toggle({
  open,
  onToggle,
  children,
}: {
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-expanded={open}
      onClick={onToggle}
      className="flex w-full items-center gap-1 rounded px-1 py-0.5 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      {open ? (
        <ChevronDown aria-hidden size={14} className="shrink-0 text-muted" />
      ) : (
        <ChevronRight aria-hidden size={14} className="shrink-0 text-muted" />
      )}
      {children}
    </button>
  );
}

/** Hosts → instances by kind or tag, filtered as you type; the open instance highlighted. */
export const ResourceTree = forwardRef<HTMLInputElement, { me: Me }>(function ResourceTree(
  { me },
  filterRef,
) {
  const instances = useInstances();
  const seesHosts = can(me, 'host.view');
  const hosts = useHosts();
  const params = useSearchParams();
  const pathname = usePathname();
  const selected = pathname.startsWith('/instances/view') ? params.get('id') : null;
  const [filter, setFilter] = useState('');
  const [showAll, setShowAll] = useState<ReadonlySet<string>>(new Set());
  const [drawn, setDrawn] = useState(DRAWN_FIRST);
  const navRef = useRef<HTMLElement>(null);
  const [grouping, setGrouping] = useStoredState<TreeGrouping>(
    'berth-tree-group',
    'kind',
    isGrouping,
  );
  const [collapsed, setCollapsed] = useStoredState<string[]>('berth-tree-collapsed', [], isKeyList);
  const tree = useMemo(
    () => buildTree(instances.data ?? [], seesHosts ? hosts.data : undefined, grouping, filter),
    [instances.data, hosts.data, seesHosts, grouping, filter],
  );
  // While filtering every group opens: a match hidden in a collapsed group is no match.
  const isOpen = (key: string) => filter.trim() !== '' || !collapsed.includes(key);
  // A long group shows its first names (and the open instance): hundreds of links on every
  // page cost the page its first second; filtering or "show all" reaches the rest.
  const listed = (g: TreeGroup) =>
    g.instances.length <= GROUP_CAP || showAll.has(g.key) ? g.instances.length : GROUP_CAP;
  // Of those, the names drawn so far (see DRAWN_FIRST), and the open instance wherever it is.
  const drawnOf = (g: TreeGroup) => {
    const first = Math.min(listed(g), drawn);
    return g.instances.filter((i, n) => n < first || i.id === selected);
  };
  const drawMore = useCallback(() => setDrawn((d) => d + 50), []);
  const toggle = (key: string) =>
    setCollapsed(
      collapsed.includes(key) ? collapsed.filter((k) => k !== key) : [...collapsed, key],
    );

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="space-y-2 border-b border-line p-2">
        <input
          ref={filterRef}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setFilter('');
              e.currentTarget.blur();
            }
          }}
          placeholder="Filter instances  /"
          aria-label="Filter instances"
          className="input py-1"
        />
        <div role="group" aria-label="Group instances by" className="flex gap-1 text-xs">
          <span className="self-center text-muted">Group by</span>
          {(['kind', 'tag'] as const).map((g) => (
            <button
              key={g}
              type="button"
              aria-pressed={grouping === g}
              onClick={() => setGrouping(g)}
              className={`rounded px-2 py-0.5 ${
                grouping === g
                  ? 'bg-sky-100 font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-100'
                  : 'text-muted hover:bg-slate-100 dark:hover:bg-slate-800'
              }`}
            >
              {g === 'kind' ? 'Kind' : 'Tag'}
            </button>
          ))}
        </div>
      </div>
      <nav
        ref={navRef}
        aria-label="Resources"
        className="min-h-0 flex-1 overflow-y-auto p-2 text-sm"
      >
        {instances.isPending ? (
          <p className="px-1 text-muted">Loading…</p>
        ) : instances.isError ? (
          <p className="px-1 text-muted">Instances could not be loaded.</p>
        ) : (
          <ul>
            {tree.map((h) => (
              <li key={h.key}>
                <Toggle open={isOpen(h.key)} onToggle={() => toggle(h.key)}>
                  <Server aria-hidden size={14} className="shrink-0" />
                  <span className="truncate font-medium">{h.label}</span>
                  {h.online === false && (
                    <span className="text-xs text-red-700 dark:text-red-300">offline</span>
                  )}
                  <span className="ml-auto text-xs text-muted tabular-nums">{h.count}</span>
                </Toggle>
                {isOpen(h.key) && (
                  <ul className="ml-3 border-l border-line pl-1">
                    {h.groups.length === 0 && (
                      <li className="px-2 py-0.5 text-muted">
                        {filter ? 'No match' : 'No instances'}
                      </li>
                    )}
                    {h.groups.map((g) => (
                      <li key={g.key}>
                        <Toggle open={isOpen(g.key)} onToggle={() => toggle(g.key)}>
                          <span className="truncate">{g.label}</span>
                          <span className="ml-auto text-xs text-muted tabular-nums">
                            {g.instances.length}
                          </span>
                        </Toggle>
                        {isOpen(g.key) && (
                          <ul className="ml-3">
                            {drawnOf(g).map((i) => (
                              <li key={i.id}>
                                <Link
                                  href={`/instances/view/?id=${i.id}`}
                                  prefetch={false}
                                  aria-current={selected === i.id ? 'page' : undefined}
                                  title={`${i.name}: ${i.state}`}
                                  className={`flex items-center gap-1.5 rounded px-1.5 py-0.5 ${
                                    selected === i.id
                                      ? 'bg-sky-100 font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-100'
                                      : 'hover:bg-slate-100 dark:hover:bg-slate-800'
                                  }`}
                                >
                                  <StateIcon state={i.state} />
                                  <KindIcon
                                    kind={i.kind}
                                    size={14}
                                    className="shrink-0 text-muted"
                                  />
                                  <span className="truncate">{i.name}</span>
                                  {i.ctid !== null && (
                                    <span className="ml-auto text-xs text-muted tabular-nums">
                                      {i.ctid}
                                    </span>
                                  )}
                                </Link>
                              </li>
                            ))}
                            {listed(g) > drawn && (
                              <DrawMore key={drawn} as="li" root={navRef} onSeen={drawMore} />
                            )}
                            {listed(g) < g.instances.length && (
                              <li>
                                <button
                                  type="button"
                                  className="link-plain px-1.5 py-0.5 text-xs"
                                  onClick={() => setShowAll(new Set(showAll).add(g.key))}
                                >
                                  Show all {g.instances.length}
                                </button>
                              </li>
                            )}
                          </ul>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </nav>
      <PageLinks me={me} pathname={pathname} />
    </div>
  );
});

/**
 * The pages of the registry this user may open. The frame's links are not prefetched: on
 * every page they would fetch every other page's code before the user asks for any. At most
 * 40 % of the column, scrolling inside: at full height the 17 pages left the tree three rows at
 * 1280x800.
 */
function PageLinks({ me, pathname }: { me: Me; pathname: string }) {
  return (
    <nav
      aria-label="Main"
      className="max-h-[40%] shrink-0 overflow-y-auto border-t border-line p-2"
    >
      <ul className="space-y-0.5 text-sm">
        {pagesFor(me).map((p) => {
          const active = isActivePage(p.href, pathname);
          const Icon = p.icon;
          return (
            <li key={p.href}>
              <Link
                href={p.href}
                prefetch={false}
                aria-current={active ? 'page' : undefined}
                className={`flex items-center gap-2 rounded px-2 py-1 ${
                  active
                    ? 'bg-sky-100 font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-100'
                    : 'text-muted hover:bg-slate-100 hover:text-fg dark:hover:bg-slate-800'
                }`}
              >
                <Icon aria-hidden size={16} className="shrink-0" />
                {p.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
