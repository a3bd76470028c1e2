#!/usr/bin/env -S node --import tsx
import { start } from './shim.js';

await start('migrate-existing-gun-records');
