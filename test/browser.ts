/**
 * Debian's Chromium for the browser tests (playwright-core drives it; `.ci/run` installs it). The
 * dashboard build they serve is made once by test/global-setup.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots at 1440×900, kept as test artifacts. */
export const SHOTS = path.resolve('test-results/screenshots');

/** Whether Chromium is installed; warns, naming the suite, when it is not (the suite is skipped). */
export function hasChromium(suite: string): boolean {
  const ok = fs.existsSync(CHROMIUM);
  if (!ok) console.warn(`${suite} skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);
  return ok;
}

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
