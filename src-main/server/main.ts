#!/usr/bin/env node
/**
 * `npm run serve`: the console in any Chromium, on 127.0.0.1, no Electron needed.
 * Options: --port <n> (default 7420), --host <addr> (default 127.0.0.1), --db <file>, --models <dir>
 */
import { parseArgs } from 'node:util';
import { dataFolderLog, engineOptionsFrom, forOperator } from '../cli/common.js';
import { clientError } from '../engine/errors.js';
import { startServer } from './server.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    port: { type: 'string', default: process.env.VIGIL_PORT ?? '7420' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    models: { type: 'string' },
    embedder: { type: 'string' },
    detector: { type: 'string' },
    threshold: { type: 'string' },
    provider: { type: 'string' },
  },
});

try {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    console.warn(`warning: serving on ${values.host}, reachable from other machines; the access token and operators' passwords are the only protection`);
  }
  const server = await startServer({ ...engineOptionsFrom(values), host: values.host, port });
  const status = server.engine.status();
  console.log(`Vigil console: ${server.url}`);
  console.log('Open that address (it includes the access token) in Chromium, Chrome or Edge.');
  if (server.engine.operators.count() === 0) {
    console.log("First run: the page asks for the site's admin account before anything else (or: npm run cli -- operators add <name> --role admin).");
  } else console.log('Each operator signs in on the page; the token alone opens nothing.');
  if (!status.modelsReady) for (const p of status.modelProblems) console.log(`warning: ${p.message}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`vigil serve: port ${values.port} is in use; try another --port (or --port 0)`);
  else {
    const log = dataFolderLog(values);
    const payload = clientError(forOperator(error, values, log), log, { command: 'serve' });
    console.error(`vigil serve: ${payload.message} [${payload.code}]${log?.file && payload.message.includes('reference ') ? `\nvigil serve: log: ${log.file}` : ''}`);
    if (process.env.VIGIL_DEBUG) console.error(error);
  }
  process.exit(1);
}
