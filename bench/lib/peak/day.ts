/**
 * The shape of a Double 11 day, pure: co-ops with their SKUs in three temperature classes and a
 * few kits, and paid orders over 24 hours with an evening surge (20% of the day in the peak hour,
 * 20:00–21:00), each on one co-op's store, a share cancelled by the buyer before it ships.
 */

export type Temperature = 'ambient' | 'chilled' | 'frozen';

export interface Sku {
  code: string;
  name: string;
  barcode: string;
  weightG: number;
  temperature: Temperature;
}

export interface Kit {
  code: string;
  name: string;
  components: Array<{ code: string; qty: number }>;
}

export interface Coop {
  index: number;
  code: string;
  name: string;
  platform: 'shopify' | 'taobao' | 'woocommerce';
  skus: Sku[];
  kits: Kit[];
}

export interface DayOrder {
  /** the platform's order id */
  id: string;
  coop: number;
  /** seconds into the simulated day */
  at: number;
  /** seconds into the day the buyer cancels it, or null */
  cancelAt: number | null;
  lines: Array<{ sku: string; qty: number }>;
  /** the barcodes the packer scans (a kit's components), one per unit */
  units: string[];
  temperature: Temperature;
  weightG: number;
}

export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ean13(n: number): string {
  const body = `69${String(n).padStart(10, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

const PLATFORMS = ['taobao', 'shopify', 'woocommerce'] as const;
const PRODUCE: Record<Temperature, string[]> = {
  ambient: ['赣南脐橙', '信丰红糖', '笋干', '茶油', '米粉', '香菇', '板鸭', '蜂蜜'],
  chilled: ['鲜竹笋', '土鸡蛋', '杨梅', '猕猴桃', '鲜香菇'],
  frozen: ['土鸡', '腊肉', '鱼丸', '冻笋'],
};

/** `skus` over `coops`: 70% ambient, 20% chilled, 10% frozen, and two kits per co-op of its ambient SKUs. */
export function catalog(coops: number, skus: number, seed = 11): Coop[] {
  const rnd = mulberry32(seed);
  const out: Coop[] = [];
  const per = Math.max(3, Math.floor(skus / coops));
  let n = 0;
  for (let c = 0; c < coops; c++) {
    const code = `PD${String(c + 1).padStart(2, '0')}`;
    const list: Sku[] = [];
    for (let i = 0; i < per; i++) {
      const r = i / per;
      const temperature: Temperature = r < 0.7 ? 'ambient' : r < 0.9 ? 'chilled' : 'frozen';
      const names = PRODUCE[temperature];
      list.push({ code: `${code}-${String(i + 1).padStart(4, '0')}`, name: `${names[i % names.length]} ${i + 1}号`, barcode: ean13(++n), weightG: 200 + Math.floor(rnd() * 2300), temperature });
    }
    const ambient = list.filter((s) => s.temperature === 'ambient');
    const kits: Kit[] = [0, 1].map((k) => ({
      code: `${code}-KIT${k + 1}`,
      name: `${c + 1}号社 双11礼盒${k + 1}`,
      components: [
        { code: ambient[(k * 2) % ambient.length].code, qty: 1 },
        { code: ambient[(k * 2 + 1) % ambient.length].code, qty: 1 },
      ],
    }));
    out.push({ index: c, code, name: `信丰县第${c + 1}合作社`, platform: PLATFORMS[c % 3], skus: list, kits });
  }
  return out;
}

/**
 * Hourly share of the day's orders: low at night, rising through the day, an evening surge, and
 * 20% in the hour from 20:00.
 */
export const HOUR_WEIGHTS = (() => {
  const w = [1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3, 3.2, 3.5, 3.6, 3.4, 3.3, 3.4, 3.6, 3.9, 4.5, 5.5, 0, 6.5, 5, 3.5];
  const rest = w.reduce((a, b) => a + b, 0);
  // the peak hour holds 20% of the day: x / (rest + x) = 0.2
  w[20] = rest / 4;
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
})();

/** The day's orders, sorted by time. Co-ops weighted (a few large ones), lines from one co-op's SKUs. */
export function dayOrders(coops: Coop[], orders: number, o: { cancelShare: number; kitShare: number; seed?: number }): DayOrder[] {
  const rnd = mulberry32(o.seed ?? 20261111);
  const weights = coops.map((_, i) => 1 / (1 + i * 0.15));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const pickCoop = () => {
    let x = rnd() * wsum;
    for (let i = 0; i < coops.length; i++) if ((x -= weights[i]) <= 0) return i;
    return coops.length - 1;
  };
  const cum: number[] = [];
  HOUR_WEIGHTS.reduce((a, b, i) => (cum[i] = a + b), 0);
  const out: DayOrder[] = [];
  for (let i = 0; i < orders; i++) {
    const u = rnd();
    const hour = cum.findIndex((c) => u <= c);
    const at = (hour < 0 ? 23 : hour) * 3600 + Math.floor(rnd() * 3600);
    const coop = coops[pickCoop()];
    // one temperature class per order (a shop sells its chilled goods as their own listings)
    const t = rnd();
    const temperature: Temperature = t < 0.75 ? 'ambient' : t < 0.92 ? 'chilled' : 'frozen';
    const pool = coop.skus.filter((s) => s.temperature === temperature);
    const lines: DayOrder['lines'] = [];
    const units: string[] = [];
    let weightG = 0;
    const bySku = new Map(coop.skus.map((s) => [s.code, s]));
    if (temperature === 'ambient' && rnd() < o.kitShare) {
      const kit = coop.kits[Math.floor(rnd() * coop.kits.length)];
      lines.push({ sku: kit.code, qty: 1 });
      for (const c of kit.components) for (let k = 0; k < c.qty; k++) {
        units.push(bySku.get(c.code)!.barcode);
        weightG += bySku.get(c.code)!.weightG;
      }
    } else {
      const n = rnd() < 0.6 ? 1 : rnd() < 0.75 ? 2 : 3;
      const taken = new Set<number>();
      while (taken.size < Math.min(n, pool.length)) taken.add(Math.floor(rnd() * pool.length));
      for (const k of taken) {
        const qty = rnd() < 0.85 ? 1 : 2;
        lines.push({ sku: pool[k].code, qty });
        for (let q = 0; q < qty; q++) units.push(pool[k].barcode);
        weightG += pool[k].weightG * qty;
      }
    }
    const cancelAt = rnd() < o.cancelShare ? at + 60 + Math.floor(rnd() * 3 * 3600) : null;
    out.push({ id: String(9_000_000_000 + i * 7 + 1), coop: coop.index, at, cancelAt, lines, units, temperature, weightG });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Units each SKU needs over the day (kits as their components), for receiving stock with a margin. */
export function demand(coops: Coop[], orders: DayOrder[]): Map<string, number> {
  const barcodeToCode = new Map<string, string>();
  for (const c of coops) for (const s of c.skus) barcodeToCode.set(s.barcode, s.code);
  const need = new Map<string, number>();
  for (const o of orders) for (const b of o.units) need.set(barcodeToCode.get(b)!, (need.get(barcodeToCode.get(b)!) ?? 0) + 1);
  return need;
}
