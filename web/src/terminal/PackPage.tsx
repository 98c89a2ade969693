import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, type Entry } from './scanTiming';
import { Context, Flash, isNetworkError, ResultPanel, useResult } from './parts';
import { newKey } from './termApi';
import {
  getParcel,
  listStations,
  packLookup,
  packOrder,
  verifyScans,
  type PackBody,
  type PackOrder,
  type PackStation,
  type Parcel,
  type Tote,
} from './packApi';
import { gramsOf, isComplete, itemOf, judgeScan, scannedBySku, slotOf, weightText, type PackScan } from './packScan';
import { CartonPicker, ItemList, packErrorKey, StationBar, StationChoice, ToteView, useStationPrinter, WeightField } from './PackParts';
import { useParcels } from './PackParcel';

/**
 * The pack station: a tote, slot or order number opens the order; every item is scanned (judged
 * here at once from the order's own barcodes, then confirmed by the server); carton and weight;
 * Pack gets the waybill and prints the label on the station's printer.
 */

const STATION_KEY = 'wms.terminal.packStation';
const UNIT_KEY = 'wms.terminal.weightUnit';

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // lasts for this page only
  }
}

const isPacked = (o: PackOrder | null) => !!o && (o.status === 'packed' || o.status === 'shipped');

export function PackPage() {
  const { t } = useI18n();
  const res = useResult();
  const [stations, setStations] = useState<PackStation[] | null>(null);
  const [stationId, setStationId] = useState<number | null>(() => Number(remembered(STATION_KEY)) || null);
  const [choosing, setChoosing] = useState(false);
  const station = stations?.find((s) => s.id === stationId) ?? null;
  const printer = useStationPrinter(station?.printerId ?? null);

  const [tote, setTote] = useState<Tote | null>(null);
  const [order, setOrderState] = useState<PackOrder | null>(null);
  const orderRef = useRef<PackOrder | null>(null);
  const [scans, setScansState] = useState<PackScan[]>([]);
  const scansRef = useRef<PackScan[]>([]);
  const seq = useRef(0);
  const [lastSkuId, setLastSkuId] = useState<number | null>(null);
  const [localOnly, setLocalOnly] = useState(false);
  const [carton, setCarton] = useState<string | null>(null);
  const [typedWeight, setTypedWeight] = useState<string | null>(null);
  const [unit, setUnitState] = useState<'g' | 'kg'>(() => (remembered(UNIT_KEY) === 'kg' ? 'kg' : 'g'));
  const [unsent, setUnsent] = useState<{ body: PackBody; key: string } | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  const setOrder = (o: PackOrder | null) => {
    orderRef.current = o;
    setOrderState(o);
  };
  const setScans = (next: PackScan[]) => {
    scansRef.current = next;
    setScansState(next);
  };

  // The stations once, when the screen opens.
  useEffect(() => {
    listStations().then(setStations, (e) => {
      setStations([]);
      res.fail(e);
    });
  }, []);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  /** Red, a buzz, the title and lines below it (useResult's `fail` takes lines only from an API error). */
  const failLines = (title: string, lines: string[], expected?: string) => res.fail(new ApiError(0, 'LOCAL', title, lines.map((message) => ({ field: '', code: '', message }))), expected);
  const failWith = (e: unknown, expected?: string) => {
    const key = e instanceof ApiError ? packErrorKey(e.code) : null;
    if (e instanceof ApiError && key) return failLines(t(key), [e.message, ...e.details.map((d) => d.message)].filter((m, i, all) => m && all.indexOf(m) === i), expected);
    res.fail(e, expected);
  };

  const parcelView = useParcels({ printerId: station?.printerId ?? null, busy, run, res, failWith, onVoided: () => tote && void refreshTote(tote.toteCode) });

  const chooseStation = (s: PackStation) => {
    setStationId(s.id);
    setChoosing(false);
    remember(STATION_KEY, String(s.id));
    res.ok(t('pack.stationSet', { name: `${s.code} ${s.name}` }));
  };

  const cartonOf = (o: PackOrder | null, code: string | null) => o?.cartons.options.find((c) => c.code === code) ?? null;
  // a carton of a split order weighs what was scanned into it; the whole order what it holds
  const scannedG = order ? order.items.reduce((g, i) => g + (scannedBySku(scans).get(i.skuId) ?? 0) * i.weightG, 0) : 0;
  const partOnly = !!order && scans.length > 0 && !isComplete(order, scans) && scannedG > 0;
  const estimateG = order ? (partOnly ? scannedG : order.itemsWeightG) + (cartonOf(order, carton)?.tareG ?? 0) : 0;
  const shownWeight = typedWeight ?? (estimateG > 0 ? weightText(estimateG, unit) : '');
  const grams = gramsOf(shownWeight, unit);
  const setUnit = (u: 'g' | 'kg') => {
    const g = typedWeight === null ? null : gramsOf(typedWeight, unit);
    if (g) setTypedWeight(weightText(g, u));
    setUnitState(u);
    remember(UNIT_KEY, u);
  };

  const packing = !!order && !isPacked(order);
  const complete = !!order && isComplete(order, scans);
  const counted = scannedBySku(scans);
  const left = order ? order.items.reduce((n, i) => n + Math.max(0, i.qty - (counted.get(i.skuId) ?? 0)), 0) : 0;

  function openOrder(o: PackOrder, firstScan?: string) {
    setOrder(o);
    setScans([]);
    setLastSkuId(null);
    setLocalOnly(false);
    setCarton(o.cartons.suggested ?? null);
    setTypedWeight(null);
    setUnsent(null);
    setFailed(false);
    if (isPacked(o)) {
      parcelView.show(o.parcels);
      res.info(t('pack.alreadyPacked', { ref: o.externalId }));
      return;
    }
    // a split order part packed: its cartons so far stay in view
    const cartons = o.parcels.filter((p) => p.status === 'labelled');
    parcelView.show(cartons);
    res.ok(t('pack.orderOpened', { ref: o.externalId, units: o.units }), [o.slotNo ? t('pack.slotN', { n: o.slotNo }) : '', cartons.length ? t('pack.cartonsSoFar', { n: cartons.length }) : ''].filter(Boolean));
    if (firstScan) scanItem(o, firstScan);
  }

  /** The server's word on a scan judged here: it may take back a count, or count what this list lacked. */
  function confirmWithServer(o: PackOrder, before: PackScan[], code: string, counted: PackScan | null) {
    verifyScans(o.orderId, [...before.map((s) => s.code), code]).then(
      (v) => {
        if (orderRef.current?.orderId !== o.orderId || isPacked(orderRef.current)) return;
        setLocalOnly(false);
        const last = v.last;
        if (!last) return;
        if (counted && !last.accepted) {
          setScans(scansRef.current.filter((s) => s.seq !== counted.seq));
          failLines(t('pack.serverRefused', { msg: last.message ?? code }), [t('pack.putBack')], t('pack.expectItem'));
        } else if (!counted && last.accepted) {
          const line = v.lines.find((l) => l.skuCode === last.skuCode);
          if (!line) return;
          setScans([...scansRef.current, { seq: ++seq.current, code, skuId: line.skuId, units: last.units }]);
          setLastSkuId(line.skuId);
          res.ok(t('pack.counted', { name: line.name, scanned: line.scanned, qty: line.qty }));
        }
      },
      (e) => {
        if (isNetworkError(e)) setLocalOnly(true);
      },
    );
  }

  function scanItem(o: PackOrder, code: string) {
    const before = scansRef.current;
    const j = judgeScan(o, before, code);
    if (j.verdict === 'wrong') {
      failLines(t('pack.wrongItem', { code }), [t('pack.putBack')], t('pack.expectItem'));
      return confirmWithServer(o, before, code, null);
    }
    if (j.verdict === 'extra') {
      failLines(t('pack.extraItem', { name: j.item.name, qty: j.item.qty }), [t('pack.putBack')], t('pack.expectItem'));
      return confirmWithServer(o, before, code, null);
    }
    const s: PackScan = { seq: ++seq.current, code, skuId: j.item.skuId, units: j.units };
    const next = [...before, s];
    setScans(next);
    setLastSkuId(j.item.skuId);
    const n = scannedBySku(next).get(j.item.skuId) ?? 0;
    const done = isComplete(o, next);
    const rest = o.items.reduce((m, i) => m + Math.max(0, i.qty - (scannedBySku(next).get(i.skuId) ?? 0)), 0);
    res.ok(t('pack.counted', { name: j.item.name, scanned: n, qty: j.item.qty }), [j.units > 1 ? t('pack.caseOf', { units: j.units }) : '', done ? t('pack.allScanned', { units: o.units }) : t('pack.left', { left: rest })].filter(Boolean));
    confirmWithServer(o, before, code, s);
  }

  const lookup = (q: { code: string; slot?: number; barcode?: string }, fallback?: string) =>
    run(async () => {
      // firstScan: the item that opened the order counts as its first scan; not so for an order number
      const show = (r: Awaited<ReturnType<typeof packLookup>>, firstScan: string | null = q.barcode ?? null) => {
        if (r.kind === 'tote') {
          setTote(r.tote);
          setOrder(null);
          parcelView.show([]);
          setScans([]);
          res.ok(t('pack.toteFound', { code: r.tote.toteCode, n: r.tote.orders.length }));
          return;
        }
        if (tote && (r.order.waveId !== tote.waveId || r.order.batchNo !== tote.batchNo)) setTote(null);
        openOrder(r.order, firstScan ?? undefined);
      };
      try {
        show(await packLookup({ ...q, stationId: station?.id }));
      } catch (e) {
        if (fallback && e instanceof ApiError && e.code === 'NOTHING_TO_PACK') {
          // not an item of this tote: perhaps another tote or an order number
          try {
            return show(await packLookup({ code: fallback, stationId: station?.id }), null);
          } catch (e2) {
            if (!(e2 instanceof ApiError && e2.code === 'NOT_FOUND')) return failWith(e2);
          }
        }
        failWith(e);
      }
    });

  const refreshTote = (code: string) =>
    packLookup({ code }).then(
      (r) => r.kind === 'tote' && setTote(r.tote),
      () => undefined,
    );

  /** Pack the order, or with `part` only the items scanned so far (a split order's carton; more follow). */
  const pack = (part = false) => {
    const o = orderRef.current;
    if (!o || !station || isPacked(o)) return;
    const whole = isComplete(o, scansRef.current);
    if (part && !scansRef.current.length) return failLines(t('pack.packPartNone'), [], t('pack.expectItem'));
    if (!part && !whole) return failLines(t('pack.notAllScanned', { left }), [], t('pack.expectItem'));
    if (!grams) return res.fail(t('pack.weightZero'));
    const body: PackBody = { scans: scansRef.current.map((s) => s.code), cartonCode: carton, weightG: grams, printerId: station.printerId, ...(part && !whole ? { partial: true } : {}) };
    // the same body after a network failure keeps its key: if the first one did arrive, it is answered once
    const key = unsent && JSON.stringify(unsent.body) === JSON.stringify(body) ? unsent.key : newKey();
    return run(async () => {
      try {
        const r = await packOrder(o.orderId, body, key);
        const parcel: Parcel = {
          id: r.parcelId,
          orderId: o.orderId,
          orderExternalId: o.externalId,
          status: 'labelled',
          carrierCode: r.carrierCode,
          carrierName: null,
          waybillNo: r.waybillNo,
          weightG: body.weightG,
          cartonCode: body.cartonCode,
          lastError: null,
          printJobs: r.printJobId ? [{ id: r.printJobId, status: 'queued', problem: null, waybillNo: r.waybillNo, reprintOf: null }] : [],
        };
        setUnsent(null);
        setFailed(false);
        const before = parcelView.parcels.filter((p) => p.id !== parcel.id);
        if (r.status === 'partly_packed') {
          // the next carton: the order again with what is left, its cartons so far in view
          const next = await packLookup({ code: String(o.orderId), stationId: station.id });
          if (next.kind === 'order') openOrder(next.order);
          parcelView.show([...before, parcel]);
          const rest = r.remaining.reduce((n, i) => n + i.qty, 0);
          res.ok(t('pack.partPackedTitle', { no: r.waybillNo }), [`${t('pack.carrier')} ${r.carrierCode}`, t('pack.partLeft', { left: rest })]);
          getParcel(r.parcelId).then(parcelView.refresh, () => undefined);
          return;
        }
        setOrder({ ...o, status: 'packed' });
        parcelView.show([...before, parcel]);
        res.ok(t('pack.packedTitle', { no: r.waybillNo }), [`${t('pack.carrier')} ${r.carrierCode}`]);
        getParcel(r.parcelId).then(parcelView.refresh, () => undefined);
        if (tote) void refreshTote(tote.toteCode);
      } catch (e) {
        if (isNetworkError(e) || (e instanceof ApiError && e.code === 'IDEMPOTENCY_IN_PROGRESS')) {
          setUnsent({ body, key });
          return isNetworkError(e) ? res.network(t('pack.unsentTitle'), [t('pack.unsentText')]) : failWith(e);
        }
        setUnsent(null);
        setFailed(true);
        failWith(e);
      }
    });
  };

  const leaveOrder = () => {
    setOrder(null);
    setScans([]);
    parcelView.show([]);
    setUnsent(null);
    setFailed(false);
    res.clear();
  };

  const onEntry = (entry: Entry) => {
    const v = normalizeCode(entry.value);
    if (!station || choosing) {
      if (!v) return res.fail(t('pack.promptStation'), t('pack.expectStation'));
      const s = stations?.find((x) => sameCode(x.code, v));
      return s ? chooseStation(s) : res.fail(t('pack.unknownStation', { code: v }), t('pack.expectStation'));
    }
    const o = orderRef.current;
    if (o && !isPacked(o)) {
      if (!v) return pack(false);
      if (unsent) return res.fail(t('term.unsentFirst'), t('pack.promptUnsent'));
      const box = o.cartons.options.find((c) => sameCode(c.code, v));
      if (box && !itemOf(o, v)) {
        setCarton(box.code);
        return res.info(t('pack.cartonSet', { code: box.code }));
      }
      return scanItem(o, v);
    }
    if (!v) return;
    if (tote) {
      const slot = slotOf(v);
      if (slot) return lookup({ code: tote.toteCode, slot });
      if (!/^TOTE/i.test(v)) return lookup({ code: tote.toteCode, barcode: v }, v);
    }
    return lookup({ code: v });
  };

  const scan = useScanInput(onEntry, { busy });

  let prompt = t('pack.promptStart');
  if (!station || choosing) prompt = t('pack.promptStation');
  else if (packing && unsent) prompt = t('pack.promptUnsent');
  else if (packing) prompt = complete ? t('pack.promptComplete') : t('pack.promptItems', { left });
  else if (tote && !tote.orders.every((x) => x.packed)) prompt = tote.kind === 'single' ? t('pack.promptToteSingle', { code: tote.toteCode }) : t('pack.promptTote');
  else if (order) prompt = t('pack.promptNext');

  const tare = cartonOf(order, carton)?.tareG ?? 0;
  return (
    <div className={'term-screen pack-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-pack">
      <Flash result={res.result} />
      {station && !choosing && <StationBar station={station} printer={printer} onChange={() => setChoosing(true)} />}
      {stations && (!station || choosing) && <StationChoice stations={stations} onChoose={chooseStation} />}
      <div className="pack-grid">
        <div className="pack-main">
          <ScanField scan={scan} label={prompt} />
          <ResultPanel result={res.result}>
            {packing && failed && !busy && (
              <button type="button" className="btn btn-primary btn-big" onClick={() => pack(!!unsent?.body.partial)} data-testid="pack-try-again">
                {t('pack.tryAgain')}
              </button>
            )}
          </ResultPanel>
          {order && (
            <Context
              label={t('pack.order')}
              value={order.externalId}
              sub={[order.ownerName, order.slotNo ? t('pack.slotN', { n: order.slotNo }) : '', t('pack.unitsN', { n: order.units })].filter(Boolean).join(' · ')}
              testId="pack-order-ref"
            />
          )}
          {order && <ItemList order={order} scanned={isPacked(order) ? new Map(order.items.map((i) => [i.skuId, i.qty])) : counted} lastSkuId={lastSkuId} />}
          {packing && localOnly && <p className="pack-note small" data-testid="pack-local-only">{t('pack.checkedLocal')}</p>}
          {tote && !packing && <ToteView tote={tote} onOpen={(id, slot) => lookup(slot ? { code: tote.toteCode, slot } : { code: String(id) })} onLeave={() => (setTote(null), res.clear())} />}
        </div>
        {(packing || parcelView.parcels.length > 0) && (
          <div className="pack-side">
            {packing && order && (
              <>
                <CartonPicker options={order.cartons.options} suggested={order.cartons.suggested} reason={order.cartons.reason} value={carton} onChoose={setCarton} />
                <WeightField
                  text={shownWeight}
                  unit={unit}
                  estimated={typedWeight === null}
                  invalid={grams === null}
                  note={typedWeight === null ? t('pack.estimateNote', { items: order.itemsWeightG, tare }) : ''}
                  onText={setTypedWeight}
                  onUnit={setUnit}
                />
                <button type="button" className="btn btn-primary btn-big btn-block pack-submit" onClick={() => pack(false)} disabled={!complete || busy || grams === null} data-testid="pack-submit" aria-keyshortcuts="Enter">
                  {busy ? t('pack.packing') : failed || unsent ? t('pack.tryAgain') : t('pack.pack')}
                  {!busy && <span className="pack-key">{t('pack.packKey')}</span>}
                </button>
                {!complete && <p className="muted small pack-center">{t('pack.notAllScanned', { left })}</p>}
                {!complete && scans.length > 0 && (
                  <button type="button" className="btn btn-block" onClick={() => pack(true)} disabled={busy || grams === null} data-testid="pack-part">
                    {t('pack.packPart')}
                  </button>
                )}
                <button type="button" className="btn btn-quiet" onClick={leaveOrder} disabled={busy} data-testid="pack-leave">
                  {t('pack.leaveOrder')}
                </button>
              </>
            )}
            {parcelView.list}
          </div>
        )}
      </div>
    </div>
  );
}
