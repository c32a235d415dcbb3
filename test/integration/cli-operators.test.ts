/**
 * `npm run cli -- operators ...` on a real SQLite file: the recovery path on the machine (it holds
 * the data folder, so no sign-in). Passwords come from stdin or are generated and printed once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Engine } from '../../src-main/engine/engine.js';
import { projectRoot, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
const db = join(dir.path, 'data', 'vigil.db');
const models = join(dir.path, 'no-models');
let guardPassword = '';

function cli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string; json: Record<string, unknown> | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src-main', 'cli', 'main.ts'), 'operators', ...args, '--db', db, '--models', models], { cwd: projectRoot });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: args.includes('--json') && stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : null }));
    child.stdin.end(stdin);
  });
}

async function canSignIn(name: string, password: string): Promise<string> {
  const engine = await Engine.open({ dataDir: join(dir.path, 'data'), dbPath: db, modelsDir: models });
  try {
    return (await engine.operators.authenticate(name, password)).role;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    await engine.close();
  }
}

describe('CLI operators commands', () => {
  test('add with --password-stdin; list; the password works; the audit names the OS account', async () => {
    const added = await cli(['add', 'Ada', '--role', 'admin', '--display-name', 'Ada Lovelace', '--password-stdin', '--json'], 'the admin password\n');
    assert.equal(added.code, 0, added.stderr);
    assert.equal((added.json!.operator as { role: string }).role, 'admin');
    assert.equal(added.json!.password, undefined, 'a password from stdin is never printed');
    const listed = await cli(['list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const list = listed.json as unknown as Array<{ name: string; displayName: string; role: string; disabled: boolean }>;
    assert.deepEqual(list.map((o) => [o.name, o.displayName, o.role, o.disabled]), [['Ada', 'Ada Lovelace', 'admin', false]]);
    assert.ok(!listed.stdout.includes('scrypt'), 'no hash in the listing');
    assert.equal(await canSignIn('ada', 'the admin password'), 'admin');
    const raw = new Database(db, { readonly: true });
    const entry = raw.prepare("SELECT operator FROM audit_log WHERE action = 'operator.added'").get() as { operator: string };
    raw.close();
    assert.match(entry.operator, /^cli:/);
  });

  test('add without --password-stdin prints a generated password once; bad input is refused with exit 2', async () => {
    const added = await cli(['add', 'guard', '--role', 'security', '--json']);
    assert.equal(added.code, 0, added.stderr);
    const password = added.json!.password as string;
    guardPassword = password;
    assert.ok(password.length >= 16);
    assert.equal(await canSignIn('guard', password), 'security');
    assert.equal((await cli(['add', 'x y', '--role', 'viewer'])).code, 2, 'a name with a space');
    assert.equal((await cli(['add', 'bob', '--role', 'root'])).code, 2, 'an unknown role');
    assert.equal((await cli(['add', 'bob', '--role', 'viewer', '--password-stdin'], 'short\n')).code, 2, 'a short password');
    const taken = await cli(['add', 'GUARD', '--role', 'viewer']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /already taken/);
  });

  test('disable and enable; the last enabled admin cannot be disabled', async () => {
    const last = await cli(['disable', 'Ada']);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /\[LAST_ADMIN\]/);
    assert.equal((await cli(['disable', 'guard'])).code, 0);
    assert.equal(await canSignIn('guard', guardPassword), 'ACCOUNT_DISABLED');
    assert.equal((await cli(['enable', 'guard'])).code, 0);
    assert.equal(await canSignIn('guard', guardPassword), 'security');
    assert.equal((await cli(['disable', 'nobody'])).code, 1);
  });

  test('reset-password sets a new one and lifts a lockout (the recovery path for a locked-out admin)', async () => {
    for (let i = 0; i < 5; i++) await canSignIn('Ada', `wrong ${i}`);
    assert.equal(await canSignIn('Ada', 'the admin password'), 'ACCOUNT_LOCKED');
    const reset = await cli(['reset-password', 'ada', '--password-stdin'], 'a brand new admin password\n');
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(await canSignIn('Ada', 'a brand new admin password'), 'admin');
  });
});
