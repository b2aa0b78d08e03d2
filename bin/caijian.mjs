#!/usr/bin/env node
// The `caijian` command. Runs the TypeScript sources through tsx, so no build step is needed
// for the command line or the server.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
