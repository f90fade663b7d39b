import { access } from 'node:fs/promises';

/** Whether a path exists (as the agent sees it: root, so permissions do not hide it). */
export const pathExists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
