import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@sync/config';
import { loadApiConfig } from './config.js';

describe(loadApiConfig.name, () => {
  it('has defaults for everything but the admin token', () => {
    const config = loadApiConfig({});
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 3005,
      adminToken: undefined,
      healthAuth: false,
      checkTimeoutMs: 2000,
    });
    expect(config.health).toEqual({
      maxScanAgeMs: 2 * 900_000,
      maxStallMs: 600_000,
      errorWindowMinutes: 15,
      maxErrorPercent: 10,
      minSamples: 20,
    });
    expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('derives the scan age from the interval unless it is set', () => {
    expect(loadApiConfig({ GUN_SYNC_INTERVAL: '60000' }).health.maxScanAgeMs).toBe(120_000);
    expect(
      loadApiConfig({ GUN_SYNC_INTERVAL: '60000', HEALTH_MAX_SCAN_AGE_MS: '300000' }).health
        .maxScanAgeMs,
    ).toBe(300_000);
  });

  it('reads the admin token from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-config-'));
    writeFileSync(join(dir, 'token'), 'token-from-a-mounted-secret\n');
    expect(loadApiConfig({ API_ADMIN_TOKEN_FILE: join(dir, 'token') }).http.adminToken).toBe(
      'token-from-a-mounted-secret',
    );
  });

  it('lists every bad health setting at once', () => {
    const load = () =>
      loadApiConfig({
        HEALTH_MAX_ERROR_PERCENT: '101',
        HEALTH_ERROR_WINDOW_MINUTES: '0',
        API_ADMIN_TOKEN: 'short',
      });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (err) {
      const lines = (err as ConfigError).lines;
      expect(lines).toHaveLength(3);
      expect(lines.join('\n')).toContain('HEALTH_MAX_ERROR_PERCENT');
      expect(lines.join('\n')).toContain('HEALTH_ERROR_WINDOW_MINUTES');
      expect(lines.join('\n')).not.toContain('short');
    }
  });
});
