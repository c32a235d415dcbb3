import type { Engine } from '../engine/engine.js';
import { VigilError } from '../engine/errors.js';

export async function processVideoCommand(
  _engine: Engine,
  _input: string,
  _options: { json: boolean; fps?: number; unthrottled: boolean; realtime: boolean },
): Promise<void> {
  throw new VigilError('INTERNAL', 'process-video is not wired yet');
}
