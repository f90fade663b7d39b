import type { Instance } from '@berth/contracts';
import type { FakeAgent } from './fake-agent.js';

type VmPart = NonNullable<Instance['vm']>;

/** A stopped one-vCPU TCG VM in the fake agent, no disks unless given; `vm` and `over` set what a test is about. */
export function addFakeVm(
  agent: FakeAgent,
  vm: Partial<VmPart> = {},
  over: Partial<Instance> = {},
): Instance {
  return agent.add({
    kind: 'vm',
    ctid: null,
    vm: {
      vcpus: 1,
      memoryMiB: 256,
      disks: [],
      cdrom: null,
      boot: ['disk'],
      accel: 'tcg',
      guestAgent: false,
      ...vm,
    },
    ...over,
  });
}
