import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  /** The signal that ended the process (SIGSEGV for a native crash), or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines (non-JSON lines are an error: --json output must be pure). */
  lines: Array<Record<string, unknown>>;
}

/** Runs a Vigil CLI entry (as `npm run cli` does) in a child process. */
export function runCli(entry: 'main' | 'models-cli', args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src-main', 'cli', `${entry}.ts`), ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = args.includes('--json')
        ? stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}
