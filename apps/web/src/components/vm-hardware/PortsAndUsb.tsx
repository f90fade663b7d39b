'use client';
import type { Instance } from '@berth/contracts';
import { useVmDevices } from '@/queries/useVmDevices';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { Ports } from './Ports';
import { UsbDevices } from './UsbDevices';

/** The Hardware tab's ports and USB sections, on one read of the VM's device list. */
export function PortsAndUsb({
  instance,
  disabledReason,
}: {
  instance: Instance;
  disabledReason: string | null;
}) {
  const query = useVmDevices(instance.id, instance.state);
  const devices = query.data;
  if (query.isError) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (!devices) return <LoadingState label="Loading ports and USB devices…" />;
  return (
    <>
      <Ports instance={instance} devices={devices} disabledReason={disabledReason} />
      <UsbDevices instance={instance} devices={devices} disabledReason={disabledReason} />
    </>
  );
}
