import { useEffect, useState } from 'react';
import { api, type Owner, type Page } from '../api';
import { useI18n } from '../i18n';

/** The owners staff choose from (a seller's own owner is implied and needs no list). */
export function useOwners(enabled: boolean): Owner[] {
  const [owners, setOwners] = useState<Owner[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    (async () => {
      const all: Owner[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page: Page<Owner> = await api<Page<Owner>>('/api/v1/owners', { query: { limit: 500, cursor: cursor ?? undefined }, signal: ctrl.signal });
        all.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      if (!ctrl.signal.aborted) setOwners(all);
    })().catch(() => undefined);
    return () => ctrl.abort();
  }, [enabled]);
  return owners;
}

export const ownerLabel = (o: Owner) => `${o.code} · ${o.name}`;

interface Props {
  owners: Owner[];
  value: string;
  onChange: (ownerId: string) => void;
  /** The text of the empty choice ("all owners", "choose an owner", "as in the file"). */
  emptyLabel: string;
  id?: string;
  testId?: string;
  required?: boolean;
  disabled?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export function OwnerSelect({ owners, value, onChange, emptyLabel, testId, ...rest }: Props) {
  const { t } = useI18n();
  const known = !value || owners.some((o) => String(o.id) === value);
  return (
    <select {...rest} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel}</option>
      {!known && <option value={value}>{t('skus.ownerNumber', { id: value })}</option>}
      {owners.map((o) => (
        <option key={o.id} value={String(o.id)}>
          {ownerLabel(o)}
          {o.status === 'inactive' ? ` · ${t('status.inactive')}` : ''}
        </option>
      ))}
    </select>
  );
}
