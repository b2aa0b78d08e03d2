#!/usr/bin/env node
// Runs a TypeScript entry point through tsx (used by `npm run bench:etl`): node bin/tsx.mjs file.ts [args…]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bin/tsx.mjs <file.ts> [args…]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(file), ...rest];
await import(pathToFileURL(path.resolve(file)).href);
