// Writes .env.example from the config catalog (packages/config/src/catalog.ts).
import { writeFileSync } from 'node:fs';
import { renderEnvExample } from '@sync/config';

writeFileSync(new URL('../.env.example', import.meta.url), renderEnvExample());
console.log('wrote .env.example');
