import type { Dispatch, SetStateAction } from 'react';
import type { Permission } from '@berth/contracts';

/** A checkbox per permission, ticking adds it to `chosen` and unticking takes it out. */
export function PermissionChecks({
  permissions,
  chosen,
  setChosen,
  className,
}: {
  permissions: readonly Permission[];
  chosen: Permission[];
  setChosen: Dispatch<SetStateAction<Permission[]>>;
  /** The grid's layout, which depends on the room around it. */
  className: string;
}) {
  return (
    <div className={`grid gap-1 ${className}`}>
      {permissions.map((p) => (
        <label key={p} className="inline-flex items-center gap-2 font-mono text-xs">
          <input
            type="checkbox"
            checked={chosen.includes(p)}
            onChange={(e) =>
              setChosen((c) => (e.target.checked ? [...c, p] : c.filter((x) => x !== p)))
            }
          />
          {p}
        </label>
      ))}
    </div>
  );
}
