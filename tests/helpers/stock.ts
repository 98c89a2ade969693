import { Harness, bearer, keyFor, makeOwner, uid } from './harness';
import { gtinCheckDigit } from '../../printers/barcode-check';

/** A fresh EAN-13 that no other test uses. */
export function freshEan(): string {
  const payload = `69${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
  return payload + gtinCheckDigit(payload);
}

/** An owner with a seller key, a dock and storage locations of each temperature, all this test's own. */
export async function makeHub(h: Harness) {
  const owner = await makeOwner(h);
  const seller = await keyFor(h, 'seller', { ownerId: owner.id });
  const operator = await keyFor(h, 'operator');
  const supervisor = await keyFor(h, 'supervisor');
  const tag = uid('H').toUpperCase();
  // Tests share one warehouse: each hub gets its own stretch of floor, far from the others,
  // so "closest location" means one of its own.
  const base = 1000 + Math.floor(Math.random() * 90_000);
  const loc = async (code: string, zone: string, temperature: string, type: string, x: number, y: number) => {
    const res = await h.http.post('/api/v1/locations').set(bearer(h.adminToken)).send({ code: `${tag}-${code}`, zone: `${tag}${zone}`, temperature, type, x: base + x, y: base + y });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.code as string;
  };
  const dock = await loc('DOCK', 'D', 'ambient', 'dock', 0, 0);
  const ambient = [await loc('A1', 'A', 'ambient', 'pick', 2, 1), await loc('A2', 'A', 'ambient', 'pick', 4, 1), await loc('A3', 'A', 'ambient', 'pick', 30, 1)];
  const chilled = [await loc('C1', 'C', 'chilled', 'pick', 10, 1)];
  const frozen = [await loc('F1', 'F', 'frozen', 'pick', 20, 1)];
  return { owner, seller, operator, supervisor, dock, ambient, chilled, frozen };
}

export async function makeSku(h: Harness, token: string, fields: Record<string, unknown> = {}) {
  const res = await h.http.post('/api/v1/skus').set(bearer(token)).send({ skuCode: uid('SKU'), name: '赣南脐橙 5斤装', weightG: 2600, temperature: 'ambient', barcode: freshEan(), ...fields });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: number; skuCode: string; barcode: string; temperature: string };
}
