import { performance } from 'node:perf_hooks';
import { waybillLabel, type WaybillInput, type WaybillSize } from '../printers/documents/waybill';
import type { Dpi, Label } from '../printers/label';
import { packToPrinter } from './pack-to-printer';
import { LABEL_FORMATS, renderLabels, type LabelFormat } from '../printers/render';

/**
 * `npm run bench -- labels [--count N] [--runs N] [--size 100x150] [--dpi 203]`: carrier
 * e-waybills rendered per second in each printer language, (a) one renderLabels call per
 * waybill, as a pack station prints them, and (b) one call for the whole batch (for PDF one
 * N-page document), as a wave's labels are pre-printed.
 *
 * Every run renders waybills it has not seen: the renderers cache text lines (ZPL bitmaps) and
 * layouts, and a batch of real parcels repeats the carrier, sender and date lines but not the
 * receivers. One warm-up set loads the fonts and glyph caches first; the figure is the best of
 * the runs, as in printers/README.md.
 */

export interface RenderFigure {
  format: LabelFormat;
  mode: 'single' | 'batch';
  perSecond: number;
  /** Mean bytes per waybill, of the last run. */
  bytesPerLabel: number;
}

export interface RenderBenchOptions {
  count: number;
  runs: number;
  size: WaybillSize;
  dpi: Dpi;
  seed: number;
}

export const DEFAULTS: RenderBenchOptions = { count: 500, runs: 3, size: '100x150', dpi: 203, seed: 20261205 };

/** The targets the figures are read against (waybills per second). */
export const TARGETS: Record<LabelFormat, Record<'single' | 'batch', number>> = {
  pdf: { single: 60, batch: 200 },
  zpl: { single: 5000, batch: 5000 },
  tspl: { single: 5000, batch: 5000 },
  escpos: { single: 5000, batch: 5000 },
};

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫宇浩然子涵欣怡梓轩雨泽思远佳琪晨曦'];
const PLACES: Array<[string, string, string[]]> = [
  ['浙江省', '杭州市', ['西湖区', '余杭区', '萧山区', '拱墅区']],
  ['广东省', '深圳市', ['南山区', '福田区', '宝安区', '龙岗区']],
  ['北京市', '北京市', ['朝阳区', '海淀区', '丰台区']],
  ['四川省', '成都市', ['武侯区', '锦江区', '高新区']],
  ['江苏省', '南京市', ['鼓楼区', '江宁区', '玄武区']],
  ['湖北省', '武汉市', ['洪山区', '江汉区', '武昌区']],
];
const ROADS = [...'文三路 建国路 人民路 解放大道 中山北路 天府大道 科技园南路 学院路 滨江大道 长江路'.split(' ')];
const PRODUCTS = ['赣南脐橙 5斤装 特级果', '信丰萝卜干 500g', '安远红薯干 1kg', '寻乌蜜柚 2个装', '崇义南酸枣糕 400g', '会昌米粉 2.5kg', '于都葡萄 3斤'];
const CARRIERS: Array<[string, string, (n: number) => string]> = [
  ['中通快递', 'ZTO', (n) => `7${String(n).padStart(13, '0')}`],
  ['顺丰速运', 'SF', (n) => `SF${String(n).padStart(13, '0')}`],
  ['韵达快递', 'YUNDA', (n) => `43${String(n).padStart(11, '0')}`],
  ['极兔速递', 'JT', (n) => `JT${String(n).padStart(13, '0')}`],
];

/** `count` distinct waybills: each its own number, receiver, address and items. */
export function waybillInputs(count: number, seed: number): WaybillInput[] {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  return Array.from({ length: count }, (_, i) => {
    const [carrierName, carrierCode, number] = pick(CARRIERS);
    const waybillNo = number(Math.floor(next() * 1e11) * 100 + (i % 100));
    const [province, city, districts] = pick(PLACES);
    const routingCode = `${100 + Math.floor(next() * 800)}-${pick([...'ABCDEFGHJK'])}${digits(2)} ${digits(2)}`;
    const items = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({ name: pick(PRODUCTS), qty: 1 + Math.floor(next() * 5) }));
    return {
      carrierName,
      carrierCode,
      waybillNo,
      routingCode,
      sortCenter: `${city.replace('市', '')}转运中心`,
      sender: { name: '信丰县脐橙种植专业合作社', phone: '0797-3321234', address: '江西省赣州市信丰县嘉定镇正平路88号 电商产业园3栋' },
      receiver: {
        name: pick(SURNAMES) + pick(GIVEN) + (next() < 0.6 ? pick(GIVEN) : ''),
        phone: `1${pick([...'3456789'])}${digits(9)}`,
        province,
        city,
        district: pick(districts),
        address: `${pick(ROADS)}${1 + Math.floor(next() * 300)}号${1 + Math.floor(next() * 20)}幢${1 + Math.floor(next() * 6)}单元${digits(1)}0${digits(1)}室`,
      },
      pieces: 1,
      weightG: 300 + Math.floor(next() * 9700),
      items,
      qrData: `${waybillNo}|${carrierCode}|${routingCode}`,
      orderNo: `TB${digits(16)}`,
      temperature: next() < 0.1 ? 'chilled' : 'ambient',
      printedAt: new Date(Date.UTC(2026, 11, 5, 2, Math.floor(next() * 600))),
    };
  });
}

async function timeRender(labels: Label[], format: LabelFormat, mode: 'single' | 'batch', dpi: Dpi): Promise<{ seconds: number; bytes: number }> {
  let bytes = 0;
  const t0 = performance.now();
  if (mode === 'batch') bytes = (await renderLabels(labels, format, { dpi })).data.length;
  else for (const label of labels) bytes += (await renderLabels([label], format, { dpi })).data.length;
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

/** Waybills per second for every format and mode, plus how long building the label descriptions took. */
export async function renderFigures(opts: Partial<RenderBenchOptions> = {}): Promise<{ figures: RenderFigure[]; buildPerSecond: number }> {
  const o = { ...DEFAULTS, ...opts };
  const build = (seed: number) => waybillInputs(o.count, seed).map((w) => waybillLabel(w, o.size));
  const warm = build(o.seed - 1);
  for (const format of LABEL_FORMATS) await renderLabels(warm, format, { dpi: o.dpi });

  const figures: RenderFigure[] = [];
  let buildBest = Infinity;
  for (const format of LABEL_FORMATS) {
    for (const mode of ['single', 'batch'] as const) {
      let best = Infinity;
      let bytes = 0;
      for (let run = 0; run < o.runs; run++) {
        // a fresh set per (format, mode, run): nothing rendered before, see the header comment
        const inputs = waybillInputs(o.count, o.seed + figures.length * o.runs + run);
        const b0 = performance.now();
        const labels = inputs.map((w) => waybillLabel(w, o.size));
        buildBest = Math.min(buildBest, (performance.now() - b0) / 1000);
        const r = await timeRender(labels, format, mode, o.dpi);
        best = Math.min(best, r.seconds);
        bytes = r.bytes;
      }
      figures.push({ format, mode, perSecond: o.count / best, bytesPerLabel: bytes / o.count });
    }
  }
  return { figures, buildPerSecond: o.count / buildBest };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function options(args: string[]): RenderBenchOptions {
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const o = { ...DEFAULTS };
  if (arg('count')) o.count = Number(arg('count'));
  if (arg('runs')) o.runs = Number(arg('runs'));
  if (arg('size')) o.size = arg('size') as WaybillSize;
  if (arg('dpi')) o.dpi = Number(arg('dpi')) as Dpi;
  if (arg('seed')) o.seed = Number(arg('seed'));
  return o;
}

async function printRenderSection(o: RenderBenchOptions): Promise<void> {
  const { figures, buildPerSecond } = await renderFigures(o);
  console.log(`render: ${o.count} distinct ${o.size} waybills, ${o.dpi} dpi (PDF has no dpi), best of ${o.runs}, after a warm-up set`);
  console.log(`building the label descriptions (layout, validation at 203 and 300 dpi): ${fmt(buildPerSecond)} waybills/s, not counted below`);
  console.log('format  mode     waybills/s   target         with build   bytes/waybill');
  for (const f of figures) {
    const target = TARGETS[f.format][f.mode];
    const verdict = f.perSecond >= target ? 'met' : 'BELOW';
    // what a pack station sees: waybillLabel() and the render, one after the other
    const withBuild = 1 / (1 / f.perSecond + 1 / buildPerSecond);
    console.log(`${f.format.padEnd(6)}  ${f.mode.padEnd(6)}  ${fmt(f.perSecond).padStart(11)}   ≥${fmt(target).padEnd(6)} ${verdict.padEnd(5)}  ${fmt(withBuild).padStart(10)}   ${fmt(f.bytesPerLabel).padStart(13)}`);
  }
}

export async function main(args: string[]): Promise<void> {
  const o = options(args);
  // Sections run one after another, each printing its own table; later ones (sending the
  // rendered jobs to a printer) take the same options.
  await printRenderSection(o);
  const arg = (name: string) => (args.indexOf(`--${name}`) >= 0 ? args[args.indexOf(`--${name}`) + 1] : undefined);
  if (args.includes('--no-pack')) return;
  const parcels = Number(arg('parcels') ?? 200);
  const f = await packToPrinter({ parcels, mysql: arg('mysql'), redis: arg('redis') });
  console.log('');
  console.log(`pack to printer: ${f.parcels} parcels, the real server (${arg('mysql') ? 'MariaDB' : 'SQLite'}${arg('redis') ? ' + Redis' : ''}), SF's fake on loopback, a ZPL printer on loopback`);
  console.log(`  POST /pack answered:  p50 ${f.packP50.toFixed(1)} ms`);
  console.log(`  last byte on printer: p50 ${f.p50.toFixed(1)} ms  p95 ${f.p95.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms  max ${f.max.toFixed(1)} ms  (target p95 < 300 ms)`);
}
