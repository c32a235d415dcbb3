/**
 * Just enough of ISO BMFF (MP4) to relay a fragmented MP4 live stream: split a byte stream into
 * top-level boxes, and read from them what a relay needs: whether a fragment starts with a
 * keyframe, its decode time, the track's timescale and the codec string for MediaSource.
 * Pure functions on Buffers, no I/O. Untrusted sizes are checked (a bad box never reads out of range).
 */

export interface Mp4Box {
  type: string;
  /** The whole box, header included. */
  bytes: Buffer;
}

/** A box claiming more than this is treated as corrupt (a display fragment is a few hundred KB). */
export const MAX_BOX_BYTES = 64 * 1024 * 1024;

export class Mp4BoxError extends Error {
  readonly code = 'MP4_BOX_INVALID';
}

/**
 * Cuts a byte stream into complete top-level boxes. Feed chunks in order; each push returns the
 * boxes completed by it. Throws Mp4BoxError on a size that cannot be right (the caller resets).
 */
export class Mp4BoxSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  push(chunk: Buffer): Mp4Box[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const boxes: Mp4Box[] = [];
    while (this.#pendingBytes >= 8) {
      const head = this.#peek(16);
      let size = head.readUInt32BE(0);
      let headerBytes = 8;
      if (size === 1) {
        if (head.length < 16) break;
        const large = head.readBigUInt64BE(8);
        if (large > BigInt(MAX_BOX_BYTES)) throw new Mp4BoxError(`MP4 box too large (${large} bytes)`);
        size = Number(large);
        headerBytes = 16;
      }
      if (size < headerBytes || size > MAX_BOX_BYTES) throw new Mp4BoxError(`MP4 box with an invalid size (${size})`);
      if (this.#pendingBytes < size) break;
      const all = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
      boxes.push({ type: all.toString('latin1', 4, 8), bytes: Buffer.from(all.subarray(0, size)) });
      const rest = all.subarray(size);
      this.#pending = rest.length > 0 ? [rest] : [];
      this.#pendingBytes = rest.length;
    }
    return boxes;
  }

  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #peek(bytes: number): Buffer {
    const first = this.#pending[0]!;
    if (first.length >= bytes || this.#pending.length === 1) return first;
    return Buffer.concat(this.#pending, this.#pendingBytes).subarray(0, bytes);
  }
}

/** Child boxes of a container box's payload (from `start` to `end` of `buf`). */
function children(buf: Buffer, start: number, end: number): Array<{ type: string; start: number; end: number }> {
  const out: Array<{ type: string; start: number; end: number }> = [];
  let at = start;
  while (at + 8 <= end) {
    let size = buf.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) break;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) break;
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  return out;
}

function find(buf: Buffer, start: number, end: number, path: string[]): { start: number; end: number } | null {
  let range = { start, end };
  for (const type of path) {
    const next = children(buf, range.start, range.end).find((c) => c.type === type);
    if (!next) return null;
    range = next;
  }
  return range;
}

/** sample_is_non_sync_sample in ISO BMFF sample flags. */
const NON_SYNC_SAMPLE = 0x00010000;

export interface FragmentInfo {
  /** tfdt: decode time of the fragment's first sample in the track's timescale; null when absent. */
  baseDecodeTime: number | null;
  /** Whether the first sample is a sync sample (keyframe): a viewer may start here. */
  startsWithKeyframe: boolean;
}

/**
 * Reads a moof box (header included). `defaultSampleFlags` comes from the init segment's trex
 * (used when neither tfhd nor trun say). Null when it is not a readable moof.
 */
export function readFragment(moof: Buffer, defaultSampleFlags = 0): FragmentInfo | null {
  if (moof.length < 8 || moof.toString('latin1', 4, 8) !== 'moof') return null;
  const traf = find(moof, 8, moof.length, ['traf']);
  if (traf === null) return null;
  let baseDecodeTime: number | null = null;
  let flags = defaultSampleFlags;
  for (const box of children(moof, traf.start, traf.end)) {
    if (box.type === 'tfdt' && box.end - box.start >= 8) {
      const version = moof[box.start]!;
      baseDecodeTime = version === 1 && box.end - box.start >= 12 ? Number(moof.readBigUInt64BE(box.start + 4)) : moof.readUInt32BE(box.start + 4);
    }
    if (box.type === 'tfhd' && box.end - box.start >= 8) {
      const tfFlags = moof.readUInt32BE(box.start) & 0xffffff;
      let at = box.start + 8; // version/flags + track_ID
      if (tfFlags & 0x1) at += 8; // base_data_offset
      if (tfFlags & 0x2) at += 4; // sample_description_index
      if (tfFlags & 0x8) at += 4; // default_sample_duration
      if (tfFlags & 0x10) at += 4; // default_sample_size
      if (tfFlags & 0x20 && at + 4 <= box.end) flags = moof.readUInt32BE(at);
    }
  }
  const trun = children(moof, traf.start, traf.end).find((c) => c.type === 'trun');
  if (trun && trun.end - trun.start >= 8) {
    const trFlags = moof.readUInt32BE(trun.start) & 0xffffff;
    const sampleCount = moof.readUInt32BE(trun.start + 4);
    let at = trun.start + 8;
    if (trFlags & 0x1) at += 4; // data_offset
    if (trFlags & 0x4) {
      if (at + 4 <= trun.end) flags = moof.readUInt32BE(at);
    } else if (trFlags & 0x400 && sampleCount > 0) {
      // Per-sample flags: the first sample's come after its duration and size, when present.
      if (trFlags & 0x100) at += 4;
      if (trFlags & 0x200) at += 4;
      if (at + 4 <= trun.end) flags = moof.readUInt32BE(at);
    }
  }
  return { baseDecodeTime, startsWithKeyframe: (flags & NON_SYNC_SAMPLE) === 0 };
}

export interface InitInfo {
  /** The video track's timescale (ticks per second). */
  timescale: number | null;
  /** MediaSource codec string from avcC, e.g. "avc1.42c01e"; null when the track is not H.264. */
  codec: string | null;
  /** trex default_sample_flags (used by fragments that do not state their own). */
  defaultSampleFlags: number;
}

/** Reads a moov box (header included). */
export function readInit(moov: Buffer): InitInfo {
  const info: InitInfo = { timescale: null, codec: null, defaultSampleFlags: 0 };
  if (moov.length < 8 || moov.toString('latin1', 4, 8) !== 'moov') return info;
  const mdhd = find(moov, 8, moov.length, ['trak', 'mdia', 'mdhd']);
  if (mdhd !== null && mdhd.end - mdhd.start >= 24) {
    const version = moov[mdhd.start]!;
    const at = mdhd.start + 4 + (version === 1 ? 16 : 8);
    if (at + 4 <= mdhd.end) info.timescale = moov.readUInt32BE(at);
  }
  const stsd = find(moov, 8, moov.length, ['trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (stsd !== null) {
    // stsd: version/flags, entry_count, then sample entries; avc1's visual fields are 78 bytes.
    const entry = children(moov, stsd.start + 8, stsd.end)[0];
    if (entry && (entry.type === 'avc1' || entry.type === 'avc3')) {
      const avcC = children(moov, entry.start + 78, entry.end).find((c) => c.type === 'avcC');
      if (avcC && avcC.end - avcC.start >= 4) {
        const hex = (n: number) => n.toString(16).padStart(2, '0');
        info.codec = `${entry.type}.${hex(moov[avcC.start + 1]!)}${hex(moov[avcC.start + 2]!)}${hex(moov[avcC.start + 3]!)}`;
      }
    }
  }
  const trex = find(moov, 8, moov.length, ['mvex', 'trex']);
  if (trex !== null && trex.end - trex.start >= 24) info.defaultSampleFlags = moov.readUInt32BE(trex.start + 20);
  return info;
}
