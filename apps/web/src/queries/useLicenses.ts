import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchLicenses, installLicense, removeLicense, transferLicense } from '@/api/licenses';

export const licenseKeys = { all: ['licenses'] as const };

export function useLicenses() {
  return useQuery({ queryKey: licenseKeys.all, queryFn: ({ signal }) => fetchLicenses(signal) });
}

function useLicenseMutation<A>(fn: (arg: A) => Promise<void>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: licenseKeys.all }),
  });
}

export const useInstallLicense = () => useLicenseMutation(installLicense);
export const useRemoveLicense = () => useLicenseMutation(removeLicense);
export const useTransferLicense = () => useLicenseMutation(transferLicense);
