/**
 * Headless Chromium for browser tests: Debian's chromium (apt-get install chromium; never a
 * downloaded browser) driven by playwright-core, with the flags that keep it off the network.
 * Screenshots go to artifacts/screenshots/ (gitignored, kept by CI in its output).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshots = fileURLToPath(
  new URL('../../../artifacts/screenshots/', import.meta.url),
);

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the browser; fails with how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `no browser at ${executablePath}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs });
}
