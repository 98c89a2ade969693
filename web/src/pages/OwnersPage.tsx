import { useState, type FormEvent } from 'react';
import { api, ApiError, type Owner } from '../api';
import { useI18n } from '../i18n';
import { isManager, type SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, Field, fieldErrors, ListFooter, Notice, OtherDetails, PageTitle, TableWrap } from '../components/ui';

const FIELDS = ['code', 'name', 'contactName', 'phone'];

function OwnerForm({ onCreated }: { onCreated: (o: Owner) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [contactName, setContactName] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const owner = await api<Owner>('/api/v1/owners', {
        method: 'POST',
        body: { code: code.trim(), name: name.trim(), contactName: contactName.trim() || undefined, phone: phone.trim() || undefined },
      });
      onCreated(owner);
      setDone(t('common.created', { name: `${owner.code} ${owner.name}` }));
      setCode('');
      setName('');
      setContactName('');
      setPhone('');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-grid" onSubmit={submit} aria-labelledby="owner-form-title">
      <h2 id="owner-form-title">{t('owners.new')}</h2>
      <Field label={t('owners.code')} hint={t('owners.codeHint')} errors={fieldErrors(error, 'code')}>
        {(p) => <input {...p} data-testid="owner-code" required maxLength={64} autoCapitalize="characters" value={code} onChange={(e) => setCode(e.target.value)} />}
      </Field>
      <Field label={t('owners.name')} errors={fieldErrors(error, 'name')}>
        {(p) => <input {...p} data-testid="owner-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label={t('owners.contact')} optional errors={fieldErrors(error, 'contactName')}>
        {(p) => <input {...p} data-testid="owner-contact" maxLength={100} value={contactName} onChange={(e) => setContactName(e.target.value)} />}
      </Field>
      <Field label={t('owners.phone')} optional errors={fieldErrors(error, 'phone')}>
        {(p) => <input {...p} data-testid="owner-phone" type="tel" inputMode="tel" maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} />}
      </Field>
      <div className="form-actions">
        <ErrorBox error={error} testId="owner-error" />
        <OtherDetails error={error} shown={FIELDS} />
        <Notice>{done}</Notice>
        <button type="submit" className="btn btn-primary" data-testid="owner-submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.create')}
        </button>
      </div>
    </form>
  );
}

export function OwnersPage({ user }: { user: SessionUser }) {
  const { t, date } = useI18n();
  const list = usePaged<Owner>('/api/v1/owners', {});
  const canEdit = isManager(user.role);

  return (
    <section>
      <PageTitle>{t('owners.title')}</PageTitle>
      {canEdit ? (
        <OwnerForm onCreated={(o) => list.setItems((items) => [o, ...items.filter((x) => x.id !== o.id)])} />
      ) : (
        <p className="muted">{t('common.readOnly')}</p>
      )}
      <ErrorBox error={list.error} />
      <TableWrap label={t('owners.title')} testId="owners-table">
        <thead>
          <tr>
            <th scope="col">{t('owners.code')}</th>
            <th scope="col">{t('owners.name')}</th>
            <th scope="col">{t('owners.contact')}</th>
            <th scope="col">{t('owners.phone')}</th>
            <th scope="col">{t('owners.status')}</th>
            <th scope="col">{t('owners.createdAt')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((o) => (
            <tr key={o.id}>
              <td className="mono">{o.code}</td>
              <td>{o.name}</td>
              <td>{o.contactName ?? ''}</td>
              <td className="nowrap">{o.phone ?? ''}</td>
              <td>
                <Badge tone={o.status === 'active' ? 'ok' : 'plain'}>{t(o.status === 'active' ? 'status.active' : 'status.inactive')}</Badge>
              </td>
              <td className="nowrap">{date(o.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <ListFooter loading={list.loading} empty={!list.items.length} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
