import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  if (process.env.WMS_TEST_TMP) fs.rmSync(process.env.WMS_TEST_TMP, { recursive: true, force: true });
}
