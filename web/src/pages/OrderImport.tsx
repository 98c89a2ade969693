import { useState } from 'react';
import { saveFile } from '../api';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import type { SessionUser } from '../session';
import { localText, type OrderImportResult } from '../orders';
import { Link, PageTitle } from '../components/ui';
import { OwnerSelect, useOwners } from '../components/OwnerSelect';
import { BigCount, RowErrors, SpreadsheetUpload, type UploadControls } from '../components/SpreadsheetUpload';
import { HoldReasonBadge } from '../components/OrderBadges';

/** The columns of an order file, as the API names them, with the Chinese heading people write. */
const COLUMNS: Array<{ name: string; key: MessageKey; required?: true; help: MessageKey }> = [
  { name: 'order_no', key: 'ocol.order_no', required: true, help: 'ocolHelp.order_no' },
  { name: 'sku_code', key: 'ocol.sku_code', required: true, help: 'ocolHelp.sku_code' },
  { name: 'qty', key: 'ocol.qty', required: true, help: 'ocolHelp.qty' },
  { name: 'receiver_name', key: 'ocol.receiver_name', help: 'ocolHelp.receiver' },
  { name: 'phone', key: 'ocol.phone', help: 'ocolHelp.receiver' },
  { name: 'province', key: 'ocol.province', help: 'ocolHelp.place' },
  { name: 'city', key: 'ocol.city', help: 'ocolHelp.place' },
  { name: 'district', key: 'ocol.district', help: 'ocolHelp.place' },
  { name: 'address', key: 'ocol.address', help: 'ocolHelp.address' },
  { name: 'note', key: 'ocol.note', help: 'ocolHelp.note' },
];
const OTHER_COLUMNS: Record<string, MessageKey> = { owner_code: 'col.owner_code', cold_chain: 'ocol.cold_chain' };

const columnName = (t: TFunction) => (c: string) => {
  const col = COLUMNS.find((x) => x.name === c);
  return col ? t(col.key) : OTHER_COLUMNS[c] ? t(OTHER_COLUMNS[c]) : c;
};

/** The example file: the headings in Chinese, two orders, the second with two lines. */
const EXAMPLE =
  '订单号,商品编码,数量,收件人,电话,省,市,区,详细地址,备注\r\n' +
  'DD20250001,QC-5KG,1,张三,13800138000,江西省,赣州市,信丰县,嘉定镇 阳明路 18 号,\r\n' +
  'DD20250002,QC-5KG,2,李四,13900139000,浙江省,杭州市,西湖区,文三路 90 号,请周末送\r\n' +
  'DD20250002,BERRY-500,1,,,,,,,\r\n';

function Result({ result, controls }: { result: OrderImportResult; controls: UploadControls }) {
  const { t, lang } = useI18n();
  const badRows = new Set(result.errors.map((e) => e.row)).size;
  let summary: string;
  if (result.dryRun) summary = badRows ? t('orderImport.dryWithErrors', { good: result.orders, bad: badRows }) : t('orderImport.dryAllGood', { good: result.orders });
  else summary = badRows ? t('orderImport.doneWithErrors', { good: result.orders, bad: badRows }) : t('orderImport.doneAllGood', { good: result.orders });
  return (
    <section className="panel import-outcome" data-testid="order-import-result" aria-live="polite" aria-labelledby="order-import-result-title">
      <h2 id="order-import-result-title">{t(result.dryRun ? 'skuImport.resultDry' : 'skuImport.resultDone')}</h2>
      <p className="muted small">{controls.filename}</p>
      <ul className="big-counts big-counts-5">
        <BigCount label={t('import.created')} n={result.created} tone="new" testId="import-created" />
        <BigCount label={t('import.updated')} n={result.updated} tone="changed" testId="import-updated" />
        <BigCount label={t('import.unchanged')} n={result.unchanged} tone="same" testId="import-unchanged" />
        <BigCount label={t('orderImport.held')} n={result.held} tone={result.held ? 'warn' : 'same'} testId="import-held" />
        <BigCount label={t('skuImport.errors')} n={badRows} tone={badRows ? 'bad' : 'same'} testId="import-error-count" />
      </ul>
      <p className={badRows || result.held ? 'outcome-text outcome-warn' : 'outcome-text outcome-ok'} data-testid="order-import-summary">
        {summary}
        {result.held > 0 && ` ${t(result.dryRun ? 'orderImport.heldDry' : 'orderImport.heldDone', { n: result.held })}`}
      </p>
      {result.dryRun && result.orders > 0 && (
        <div className="button-row">
          <button type="button" className="btn btn-primary btn-big" onClick={controls.importNow} disabled={controls.busy} data-testid="order-import-now">
            {badRows ? t('orderImport.importGood', { n: result.orders }) : t('skuImport.importNow')}
          </button>
        </div>
      )}
      {!result.dryRun && (
        <div className="button-row">
          <Link to={result.held ? '/orders?status=held' : '/orders'} className="btn btn-primary btn-big" data-testid="order-import-to-list">
            {result.held ? t('orderImport.toHeld') : t('orderImport.toList')}
          </Link>
          <button type="button" className="btn btn-big" onClick={controls.another} data-testid="order-import-another">
            {t('skuImport.another')}
          </button>
        </div>
      )}
      {result.heldOrders.length > 0 && (
        <>
          <h3>{t('orderImport.heldTitle')}</h3>
          <ul className="held-list" data-testid="import-held-orders">
            {result.heldOrders.map((h) => (
              <li key={h.externalId}>
                {result.dryRun ? <strong>{h.externalId}</strong> : <Link to={`/orders?q=${encodeURIComponent(h.externalId)}`}>{h.externalId}</Link>} {h.holdReason && <HoldReasonBadge reason={h.holdReason} />}
                {h.holdDetail && <span className="block small">{localText(lang, h.holdDetail)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <RowErrors errors={result.errors} columnName={columnName(t)} testId="import-errors" />
      <p className="muted small">
        {t('import.encoding')}: {result.encoding.toUpperCase()}
      </p>
    </section>
  );
}

export function OrderImportPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const staff = user.role !== 'seller';
  const owners = useOwners(staff);
  const [ownerId, setOwnerId] = useState('');
  const example = () => saveFile(new Blob(['\ufeff' + EXAMPLE], { type: 'text/csv;charset=utf-8' }), 'orders-example.csv');

  return (
    <section className="sku-import">
      <p className="back">
        <Link to="/orders">{t('order.back')}</Link>
      </p>
      <PageTitle>{t('orderImport.title')}</PageTitle>
      <p className="lead">{t('orderImport.lead')}</p>
      <ol className="steps">
        <li className="step panel">
          <h2>
            <span className="step-no" aria-hidden="true">1</span>
            {t('orderImport.step1')}
          </h2>
          <p>{t('orderImport.step1Help')}</p>
          <dl className="column-list" data-testid="order-columns">
            {COLUMNS.map((c) => (
              <div key={c.name}>
                <dt>
                  {t(c.key)}
                  {c.required && <span className="required-mark">{t('form.required')}</span>}
                </dt>
                <dd>{t(c.help)}</dd>
              </div>
            ))}
          </dl>
          <ul className="tips">
            <li>{t('orderImport.tipGroup')}</li>
            <li>{t('orderImport.tipAddress')}</li>
            <li>{t('orderImport.tipSave')}</li>
            {staff && <li>{t('orderImport.tipOwner')}</li>}
          </ul>
          <div className="button-row">
            <button type="button" className="btn" onClick={example} data-testid="order-example">
              {t('orderImport.example')}
            </button>
          </div>
        </li>
        <li className="step panel">
          <h2>
            <span className="step-no" aria-hidden="true">2</span>
            {t('skuImport.step3')}
          </h2>
          <SpreadsheetUpload<OrderImportResult>
            path="/api/v1/orders/import"
            query={{ ownerId: staff && ownerId ? ownerId : undefined }}
            id="order-import"
            testId="order-import"
            columnName={columnName(t)}
            before={
              staff && (
                <div className="field">
                  <label htmlFor="order-import-owner">{t('skus.owner')}</label>
                  <OwnerSelect id="order-import-owner" testId="order-import-owner" owners={owners} value={ownerId} onChange={setOwnerId} emptyLabel={t('skuImport.ownerFromFile')} />
                </div>
              )
            }
            result={(result, controls) => <Result result={result} controls={controls} />}
          />
        </li>
      </ol>
    </section>
  );
}
