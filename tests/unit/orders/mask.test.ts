import { maskAddress, maskName, maskPhone } from '../../../server/orders/mask';

describe('maskName', () => {
  test.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['欧阳娜娜', '欧***'],
    ['John Smith', 'J*** S****'],
    ['José García', 'J*** G*****'],
    ['  李 四 ', '李*'],
    ['阿卜杜拉·买买提', '阿*******'],
    ['𠮷野家', '𠮷**'],
    ['张', '*'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('maskPhone', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
    ['13812345678-1234', '138****5678-****'],
    ['13812345678转1234', '138****5678-****'],
    ['0571-88881234', '0571-****1234'],
    ['010-62345678', '010-****5678'],
    ['0571-88881234-123', '0571-****1234-****'],
    ['', ''],
  ])('%j → %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  test('text that is not a valid number is masked all the same, and never shown whole', () => {
    expect(maskPhone('138****5678')).toBe('138****5678');
    expect(maskPhone('1381234567')).toBe('138****4567');
    expect(maskPhone('12345')).toBe('****');
  });

  test('masking twice changes nothing', () => {
    for (const phone of ['13812345678', '0571-88881234', '13812345678-1234']) expect(maskPhone(maskPhone(phone))).toBe(maskPhone(phone));
  });
});

describe('maskAddress', () => {
  test('keeps the start of the road and hides the rest behind a fixed width', () => {
    expect(maskAddress('文三路90号3幢')).toBe('文三路****');
    expect(maskAddress('西溪街道文三路90号A座3单元1201室')).toBe('西溪街****');
    expect(maskAddress('文三路1号')).toBe('文三****');
  });

  test('the length of the address does not show', () => {
    expect(maskAddress('文三路90号').length).toBe(maskAddress('文三路90号3幢2单元1201室').length);
  });

  test('a short detail keeps at most half of itself', () => {
    expect(maskAddress('1号')).toBe('1****');
    expect(maskAddress('文三路')).toBe('文****');
    expect(maskAddress('号')).toBe('****');
    expect(maskAddress('')).toBe('');
    expect(maskAddress('  ')).toBe('');
  });
});
