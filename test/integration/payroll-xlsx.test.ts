/**
 * The payroll XLSX through the real channel on a real SQLite data folder, opened by an independent
 * reader (Python's zipfile, ElementTree and csv): a valid ZIP whose sheet holds exactly the payroll
 * CSV's rows and columns, numbers as numbers, awkward text intact.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const zone = 'Europe/Berlin';
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
let hr: ConsoleConnection;
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

// Reads the workbook as a spreadsheet program would: the package parts, then the sheet's cells by
// reference (typed: n = number, s = inline string), and the CSV with Python's own parser.
const READER = String.raw`
import csv, io, json, re, sys, zipfile
import xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    names = sorted(z.namelist())
    types = ET.fromstring(z.read('[Content_Types].xml'))
    workbook = ET.fromstring(z.read('xl/workbook.xml'))
    ET.fromstring(z.read('xl/styles.xml'))
    ET.fromstring(z.read('_rels/.rels'))
    sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
def col(ref):
    n = 0
    for ch in re.match('[A-Z]+', ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1
rows = []
for r in sheet.find('m:sheetData', ns):
    cells = {}
    for c in r:
        if c.get('t') == 'inlineStr':
            cells[col(c.get('r'))] = ['s', ''.join(t.text or '' for t in c.iter('{%s}t' % ns['m'])), c.get('s')]
        else:
            cells[col(c.get('r'))] = ['n', c.find('m:v', ns).text, c.get('s')]
    rows.append({'r': int(r.get('r')), 'cells': cells})
with open(sys.argv[2], newline='') as f:
    table = list(csv.reader(f))
print(json.dumps({'names': names, 'sheets': [s.get('name') for s in workbook.iter('{%s}sheet' % ns['m'])],
  'overrides': sorted(o.get('PartName') for o in types if o.get('PartName')), 'rows': rows, 'csv': table}))
`;

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), timeZone: zone });
  const cameras: Record<string, number> = {};
  for (const [name, direction] of [['Gate in', 'entry'], ['Gate out', 'exit']] as const) {
    cameras[name] = engine.cameraRepo.add(name, { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    engine.attendance.setCameraDirection(cameras[name]!, direction, 'test');
  }
  engine.attendance.addShift({ name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 }, 'test');
  const person = engine.db.prepare("INSERT INTO persons (name, employee_code, department, category, created_at, updated_at) VALUES (?, ?, ?, 'employee', 'then', 'then')");
  const people = [
    ['Zoë "Zo" Ångström & Co, <Ltd>', 'E-001', 'R&D'],
    ['=cmd|calc', '0042', null],
    ['Plain Person', null, 'Assembly'],
  ] as const;
  const ids = people.map(([name, code, department]) => Number(person.run(name, code, department).lastInsertRowid));
  for (const id of ids) engine.attendance.assignShift(id, 'Day', 'test');
  const visit = (personId: number, date: string, time: string, camera: 'Gate in' | 'Gate out') => {
    const at = new Date(zonedToUtc(date, time, zone));
    engine.sightingRepo.insert({ cameraId: cameras[camera]!, cameraName: camera, personId, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 });
  };
  visit(ids[0]!, '2026-11-02', '08:25', 'Gate in');
  visit(ids[0]!, '2026-11-02', '18:00', 'Gate out');
  visit(ids[1]!, '2026-11-02', '07:58', 'Gate in');
  visit(ids[0]!, '2026-11-03', '07:50', 'Gate in');
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  const added = await engine.operators.add({ name: 'hr-op', displayName: 'HR', role: 'hr', password: 'a long enough password' }, 'test');
  hr = newConnection();
  engine.sessions.begin(hr, added.id);
  value(await dispatch('attendance.correct', { personId: ids[1], date: '2026-11-02', field: 'check_out', time: '16:30', reason: 'forgot to badge out; line 2\n"signed" by <lead>\ttab' }, hr));
});

after(async () => {
  await live.close();
  await engine.close();
  dir.cleanup();
});

describe('payroll XLSX', () => {
  test('the channel gives a workbook another reader opens, with the CSV’s rows: numbers as numbers, text intact, the header bold', async () => {
    const range = { from: '2026-11-02', to: '2026-11-04' };
    const { xlsxBase64, rows } = value<{ xlsxBase64: string; rows: number }>(await dispatch('attendance.exportXlsx', range, hr));
    const { csv } = value<{ csv: string }>(await dispatch('attendance.exportCsv', range, hr));
    const xlsxPath = join(dir.path, 'payroll.xlsx');
    const csvPath = join(dir.path, 'payroll.csv');
    writeFileSync(xlsxPath, Buffer.from(xlsxBase64, 'base64'));
    writeFileSync(csvPath, csv);
    type Read = { names: string[]; sheets: string[]; overrides: string[]; rows: Array<{ r: number; cells: Record<string, [string, string, string | null]> }>; csv: string[][] };
    const read = JSON.parse(execFileSync('python3', ['-c', READER, xlsxPath, csvPath], { encoding: 'utf8' })) as Read;
    assert.deepEqual(read.names, ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    assert.deepEqual(read.sheets, ['Payroll']);
    assert.deepEqual(read.overrides, ['/xl/styles.xml', '/xl/workbook.xml', '/xl/worksheets/sheet1.xml']);
    assert.equal(rows, 9, 'three people, three days');
    assert.equal(read.rows.length, rows + 1);
    assert.equal(read.csv.length, rows + 1);

    const numeric = new Set(['person_id', 'late_minutes', 'early_exit_minutes', 'overtime_minutes', 'worked_minutes']);
    const header = read.csv[0]!;
    read.rows.forEach((row, i) => {
      assert.equal(row.r, i + 1);
      header.forEach((column, c) => {
        // The CSV guards formula-like text with an apostrophe; the sheet's inline strings never run.
        const expected = read.csv[i]![c]!.replace(/^'(?=[=+\-@\t\r])/, '');
        const cell = row.cells[String(c)];
        if (expected === '') return assert.equal(cell, undefined, `row ${i + 1} ${column}: empty`);
        assert.ok(cell, `row ${i + 1} ${column}: ${expected}`);
        const [type, text, style] = cell;
        assert.equal(text, expected, `row ${i + 1} ${column}`);
        assert.equal(type, i > 0 && numeric.has(column) ? 'n' : 's', `row ${i + 1} ${column} type`);
        assert.equal(style, i === 0 ? '1' : null, 'the header is bold, the rest plain');
      });
    });
    const texts = read.rows.flatMap((r) => Object.values(r.cells).map((c) => c[1]));
    assert.ok(texts.includes('Zoë "Zo" Ångström & Co, <Ltd>'));
    assert.ok(texts.includes('=cmd|calc'));
    assert.ok(texts.includes('forgot to badge out; line 2\n"signed" by <lead>\ttab'));
    assert.ok(texts.includes('0042'), 'an employee code with leading zeros stays text');

    const exported = engine.db.prepare("SELECT details_json AS details FROM audit_log WHERE action = 'attendance.exported' ORDER BY id").all() as Array<{ details: string }>;
    assert.deepEqual(exported.map((e) => JSON.parse(e.details) as unknown), [{ rows: 9, format: 'xlsx' }, { rows: 9 }], 'both exports are audited');
  });
});
