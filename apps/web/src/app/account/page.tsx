'use client';
import { PasswordSection } from '@/components/account/PasswordSection';
import { SessionsSection } from '@/components/account/SessionsSection';
import { TokensSection } from '@/components/account/TokensSection';
import { TotpSection } from '@/components/account/TotpSection';
import { LoadingState, PageHeader } from '@/components/ui/States';
import { useMe } from '@/queries/useAuth';

export default function AccountPage() {
  const me = useMe().data;
  if (!me) return <LoadingState />;
  const roles = me.grants.map((g) =>
    g.scope === 'all' ? g.roleName : `${g.roleName} (${g.scope} ${g.scopeValue})`,
  );
  return (
    <>
      <PageHeader
        title="My account"
        description={`${me.username}: ${roles.length ? roles.join(', ') : 'no roles granted'}`}
      />
      <div className="grid gap-5">
        <PasswordSection />
        <TotpSection me={me} />
        <SessionsSection />
        <TokensSection me={me} />
      </div>
    </>
  );
}
