// Rewrites the generated settings blocks of docker-compose.yml from the config catalog
// (`pnpm deploy:gen`). `--check` only reports whether the file is up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from './catalog.js';
import {
  extractComposeEnvBlock,
  renderComposeEnvBlock,
  replaceComposeEnvBlock,
} from './compose-env-block.js';
import { repoRoot } from './paths.js';

const file = join(repoRoot, 'docker-compose.yml');
const text = readFileSync(file, 'utf8');
const block = renderComposeEnvBlock(loadCatalog());
if (extractComposeEnvBlock(text) === block) {
  console.log('docker-compose.yml: settings blocks up to date');
} else if (process.argv.includes('--check')) {
  console.error('docker-compose.yml: settings blocks out of date; run `pnpm deploy:gen`');
  process.exitCode = 1;
} else {
  writeFileSync(file, replaceComposeEnvBlock(text, block));
  console.log('docker-compose.yml: settings blocks regenerated');
}
