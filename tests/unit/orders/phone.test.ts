import { validatePhone } from '../../../server/orders/phone';

const accepted = (raw: string) => {
  const r = validatePhone(raw);
  if (!r.ok) throw new Error(`expected ${raw} to be accepted: ${r.message}`);
  return r;
};
const refused = (raw: string) => {
  const r = validatePhone(raw);
  if (r.ok) throw new Error(`expected ${raw} to be refused, got ${r.phone}`);
  return r.message;
};

describe('mobiles', () => {
  test.each(['13800138000', '+86 138 0013 8000', '+8613800138000', '0086-13800138000', '86 13800138000', '8613800138000', '138-0013-8000', '138 0013 8000', '１３８００１３８０００', ' 13800138000 '])(
    '%s → 13800138000',
    (raw) => {
      expect(validatePhone(raw)).toEqual({ ok: true, phone: '13800138000', kind: 'mobile' });
    },
  );

  test('every 1[3-9] prefix', () => {
    for (const d of '3456789') expect(accepted(`1${d}912345678`).kind).toBe('mobile');
  });
});

describe('platform virtual numbers: a mobile with an extension', () => {
  test.each(['13800138000-1234', '13800138000转1234', '13800138000 转 1234', '13800138000,1234', '13800138000，1234', '13800138000#1234', '13800138000_1234', '138-0013-8000-1234'])(
    '%s keeps its extension',
    (raw) => {
      expect(validatePhone(raw)).toEqual({ ok: true, phone: '13800138000-1234', kind: 'mobile', extension: '1234' });
    },
  );
});

describe('landlines with their area code', () => {
  test.each([
    ['0571-88888888', '0571-88888888'],
    ['0571 88888888', '0571-88888888'],
    ['(0571)88888888', '0571-88888888'],
    ['（0571）88888888', '0571-88888888'],
    ['057188888888', '0571-88888888'],
    ['0571-8888888', '0571-8888888'],
    ['010-62345678', '010-62345678'],
    ['01062345678', '010-62345678'],
    ['020-82345678', '020-82345678'],
    ['+86 571 8888 8888', '0571-88888888'],
    ['+86-10-62345678', '010-62345678'],
  ])('%s → %s', (raw, phone) => {
    expect(validatePhone(raw)).toEqual({ ok: true, phone, kind: 'landline' });
  });

  test('with an extension', () => {
    expect(validatePhone('0571-88888888-123')).toEqual({ ok: true, phone: '0571-88888888-123', kind: 'landline', extension: '123' });
    expect(accepted('0571-88888888转123').phone).toBe('0571-88888888-123');
    expect(accepted('0571-88888888 ext 123').phone).toBe('0571-88888888-123');
    // The dashes say which digits are the number: a 7-digit number and extension 8.
    expect(accepted('0571-8888888-8')).toMatchObject({ phone: '0571-8888888-8', extension: '8' });
  });
});

describe('refused, with a message that says why', () => {
  test('a number the platform masked', () => {
    for (const raw of ['138****5678', '138＊＊＊＊5678', '138xxxx5678', '138****5678-1234']) {
      expect(refused(raw)).toMatch(/打码.*masked.*real number/);
    }
  });

  test('letters and symbols', () => {
    expect(refused('abc')).toContain('letters');
    expect(refused('1380013800a')).toContain('letters');
    expect(refused('13800138000/13900139000')).toContain('letters');
  });

  test('too short, too long, not a mobile', () => {
    expect(refused('1380013800')).toContain('11 digits');
    expect(refused('138001380001')).toContain('11 digits');
    expect(refused('12345678901')).toContain('not a valid mobile');
    expect(refused('138')).toContain('11 digits');
  });

  test('landlines without or with a wrong area code', () => {
    expect(refused('88888888')).toContain('area code');
    expect(refused('011-2345678')).toContain('not a valid landline');
    expect(refused('0571-123')).toContain('not a valid landline');
  });

  test('foreign numbers, extensions too long, nothing at all', () => {
    expect(refused('+1 415 555 1234')).toContain('mainland');
    expect(refused('+852 9123 4567')).toContain('mainland');
    expect(refused('13800138000-1234567')).toBeTruthy();
    expect(refused('')).toContain('no phone');
    expect(refused('   ')).toContain('no phone');
  });

  test('the message quotes what was sent', () => {
    expect(refused('abc')).toBe('电话号码含有字母或符号 / the phone number has letters or symbols: "abc"');
  });
});
