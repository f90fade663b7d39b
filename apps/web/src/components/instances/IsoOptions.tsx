'use client';
import { useIsos } from '@/queries/useIsos';

/** The ISO store as a CD-ROM select's options, after the one for no disc. */
export function IsoOptions({ none }: { none: string }) {
  const isos = useIsos();
  return (
    <>
      <option value="">{none}</option>
      {isos.data?.map((iso) => (
        <option key={iso.name} value={iso.name}>
          {iso.name}
        </option>
      ))}
    </>
  );
}
