/**
 * `npm run cli -- attendance replay <scenario.json> [--json]`: the attendance
 * rules on a scenario file, without cameras or a database (scripts, payroll
 * checks, the evaluation of the rules).
 */
import { readFile } from 'node:fs/promises';
import { personDayLine } from '../engine/attendance/attendance-rules.js';
import { replayScenario } from '../engine/attendance/scenario.js';
import { VigilError } from '../engine/errors.js';
import { printJsonLine } from './common.js';

/** Scenario files are small JSON documents; a larger one is refused before it is parsed. */
const MAX_SCENARIO_BYTES = 64 * 1024 * 1024;

export async function attendanceCommand(sub: string | undefined, file: string | undefined, json: boolean): Promise<void> {
  if (sub !== 'replay') throw new VigilError('BAD_REQUEST', 'attendance needs "replay <scenario.json>"');
  if (!file) throw new VigilError('BAD_REQUEST', 'attendance replay needs a scenario file');
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_SCENARIO_BYTES) throw new VigilError('BAD_REQUEST', `${file} is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('NOT_FOUND', `The scenario ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new VigilError('BAD_REQUEST', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const { timeZone, days } = replayScenario(raw);
  for (const day of days) {
    const line = personDayLine(day, timeZone);
    if (json) printJsonLine(line);
    else {
      const minutes = [line.lateMinutes ? `late ${line.lateMinutes} min` : '', line.earlyExitMinutes ? `left ${line.earlyExitMinutes} min early` : '', line.workedMinutes !== null ? `worked ${line.workedMinutes} min` : '']
        .filter(Boolean)
        .join(', ');
      console.log(`${line.date}\t${line.person}\t${line.status.join(' ')}\tin ${line.checkIn ?? '-'}\tout ${line.checkOut ?? '-'}${minutes ? `\t${minutes}` : ''}`);
    }
  }
}
