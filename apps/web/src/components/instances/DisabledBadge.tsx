// Apart from the maintenance dialogs: the instance list shows the badge on its first screen,
// and the dialogs bring their contracts' schemas (zod) with them.

/** What a disabled container means, wherever it is flagged. */
export const DISABLED_MEANS = 'Disabled: it cannot be started until it is enabled again.';

/** The flag a disabled container carries in lists and headers. */
export function DisabledBadge() {
  return (
    <span
      data-disabled
      title={DISABLED_MEANS}
      className="inline-flex items-center rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
    >
      Disabled
    </span>
  );
}
