import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Owner, type Page, type User } from '../api';
import { useI18n } from '../i18n';
import type { Role, SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, Field, fieldErrors, ListFooter, Notice, OtherDetails, PageTitle, TableWrap } from '../components/ui';

const FIELDS = ['username', 'password', 'role', 'ownerId', 'carrierId', 'displayName'];

/** The roles each role may hand out (the API enforces the same). */
const GRANTABLE: Record<Role, Role[]> = {
  admin: ['admin', 'supervisor', 'operator', 'seller', 'carrier'],
  supervisor: ['operator', 'seller', 'carrier'],
  operator: [],
  seller: [],
  carrier: [],
};

function UserForm({ me, owners, onCreated }: { me: SessionUser; owners: Owner[]; onCreated: (u: User) => void }) {
  const { t } = useI18n();
  const roles = GRANTABLE[me.role];
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('operator') ? 'operator' : (roles[0] ?? 'operator'));
  const [ownerId, setOwnerId] = useState('');
  const [carrierId, setCarrierId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const user = await api<User>('/api/v1/users', {
        method: 'POST',
        body: {
          username: username.trim(),
          password,
          role,
          ownerId: role === 'seller' && ownerId ? Number(ownerId) : undefined,
          carrierId: role === 'carrier' && carrierId ? Number(carrierId) : undefined,
          displayName: displayName.trim() || undefined,
        },
      });
      onCreated(user);
      setDone(t('common.created', { name: user.username }));
      setUsername('');
      setPassword('');
      setDisplayName('');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-grid" onSubmit={submit} aria-labelledby="user-form-title">
      <h2 id="user-form-title">{t('users.new')}</h2>
      <Field label={t('users.username')} errors={fieldErrors(error, 'username')}>
        {(p) => <input {...p} data-testid="user-username" required autoComplete="off" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} />}
      </Field>
      <Field label={t('users.password')} hint={t('users.passwordHint')} errors={fieldErrors(error, 'password')}>
        {(p) => <input {...p} data-testid="user-password" type="password" required minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <Field label={t('users.displayName')} optional errors={fieldErrors(error, 'displayName')}>
        {(p) => <input {...p} maxLength={100} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
      </Field>
      <Field label={t('users.role')} errors={fieldErrors(error, 'role')}>
        {(p) => (
          <select {...p} data-testid="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {role === 'seller' && (
        <Field label={t('users.owner')} errors={fieldErrors(error, 'ownerId')}>
          {(p) => (
            <select {...p} data-testid="user-owner" required value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
              <option value="">{t('users.chooseOwner')}</option>
              {owners.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.code} · {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {role === 'carrier' && (
        <Field label={t('users.carrierId')} errors={fieldErrors(error, 'carrierId')}>
          {(p) => <input {...p} inputMode="numeric" pattern="[0-9]+" required value={carrierId} onChange={(e) => setCarrierId(e.target.value)} />}
        </Field>
      )}
      <div className="form-actions">
        <ErrorBox error={error} />
        <OtherDetails error={error} shown={FIELDS} />
        <Notice>{done}</Notice>
        <button type="submit" className="btn btn-primary" data-testid="user-submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.create')}
        </button>
      </div>
    </form>
  );
}

export function UsersPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const list = usePaged<User>('/api/v1/users', {});
  const [owners, setOwners] = useState<Owner[]>([]);
  useEffect(() => {
    api<Page<Owner>>('/api/v1/owners', { query: { limit: 500 } })
      .then((p) => setOwners(p.items))
      .catch(() => undefined);
  }, []);
  const ownerName = (id: number | null) => {
    if (id === null) return '';
    const o = owners.find((x) => x.id === id);
    return o ? `${o.code} · ${o.name}` : `#${id}`;
  };

  return (
    <section>
      <PageTitle>{t('users.title')}</PageTitle>
      <UserForm me={user} owners={owners} onCreated={(u) => list.setItems((items) => [u, ...items.filter((x) => x.id !== u.id)])} />
      <ErrorBox error={list.error} />
      <TableWrap label={t('users.title')} testId="users-table">
        <thead>
          <tr>
            <th scope="col">{t('users.username')}</th>
            <th scope="col">{t('users.displayName')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.owner')}</th>
            <th scope="col">{t('users.carrierId')}</th>
            <th scope="col">{t('users.active')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((u) => (
            <tr key={u.id}>
              <td className="mono">{u.username}</td>
              <td>{u.displayName ?? ''}</td>
              <td>{t(`role.${u.role as Role}`)}</td>
              <td>{ownerName(u.ownerId)}</td>
              <td className="num">{u.carrierId ?? ''}</td>
              <td>
                <Badge tone={u.active ? 'ok' : 'plain'}>{t(u.active ? 'common.yes' : 'common.no')}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <ListFooter loading={list.loading} empty={!list.items.length} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
