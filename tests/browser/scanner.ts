import type { Page } from 'playwright-core';

/** A keyboard-wedge scanner: the code in a burst (5 ms apart), then Enter. */
export async function scan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** Waits for the terminal's answer panel in this tone with this text; on failure says what the screen shows. */
export async function result(page: Page, tone: 'ok' | 'error' | 'ask' | 'network' | 'info', text: RegExp | string) {
  const panel = page.locator(`[data-testid="term-result"][data-tone="${tone}"]`, { hasText: text });
  try {
    await panel.waitFor();
  } catch (e) {
    const now = await page.getByTestId('term-result').textContent().catch(() => null);
    throw new Error(`expected a ${tone} result "${text}", the screen shows: ${now}\n${(e as Error).message}`);
  }
  return panel;
}

/** The text of the first element with this test id, whitespace collapsed. */
export const textOf = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
