import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_PHOTO_BYTES, MAX_PHOTO_MB } from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import type { RgbImage } from './geometry.js';

/** Longest side an input photo is decoded at: larger photos are scaled down first (memory, speed). */
export const MAX_DECODE_SIDE = 1920;
/** Refuse files above this size before decoding: the contract's one photo limit (console, CLI, folder import). */
export const MAX_IMAGE_FILE_BYTES = MAX_PHOTO_BYTES;

/** The refusal of a file over the photo limit, saying which limit it is. */
export function photoTooLarge(label: string, bytes: number): VigilError {
  return new VigilError('IMAGE_TOO_LARGE', `${label} is ${(bytes / 1024 / 1024).toFixed(1)} MB; a photo may be at most ${MAX_PHOTO_MB} MB`);
}
/** Refuse images with more pixels than this (decompression bombs). 8000x8000 still passes, scaled down on load. */
export const MAX_INPUT_PIXELS = 100_000_000;

export interface DecodedImage {
  image: RgbImage;
  /** Multiply decoded coordinates by this to get coordinates in the original file. */
  scaleToOriginal: number;
  originalWidth: number;
  originalHeight: number;
}

/**
 * Decodes a JPEG/PNG/WebP/... into 8-bit RGB, honouring EXIF orientation and
 * dropping alpha. Unreadable input raises IMAGE_UNREADABLE with a plain reason.
 */
export async function decodeImage(input: Buffer, label = 'image', maxSide = MAX_DECODE_SIDE): Promise<DecodedImage> {
  if (input.length === 0) throw new VigilError('IMAGE_UNREADABLE', `${label} is empty`);
  if (input.length > MAX_IMAGE_FILE_BYTES) throw photoTooLarge(label, input.length);
  try {
    // The header alone (no pixel limit here, nothing is decoded) so a huge image gets a clear refusal below.
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    const pipeline = sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    // metadata() reports the stored size; EXIF orientations 5-8 swap the sides.
    const swapped = (meta.orientation ?? 1) >= 5;
    const originalWidth = (swapped ? meta.height : meta.width) ?? 0;
    const originalHeight = (swapped ? meta.width : meta.height) ?? 0;
    if (!originalWidth || !originalHeight) throw new Error('no image dimensions');
    // Checked from the header, before any pixel is decoded: a huge image never reaches memory.
    if (originalWidth * originalHeight > MAX_INPUT_PIXELS) {
      throw new VigilError(
        'IMAGE_TOO_LARGE',
        `${label} is ${originalWidth}×${originalHeight} pixels; at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels can be read`,
      );
    }
    const { data, info } = await pipeline
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
      scaleToOriginal: originalWidth / info.width,
      originalWidth,
      originalHeight,
    };
  } catch (error) {
    if (error instanceof VigilError) throw error;
    const reason = (error as Error).message.replace(/^Input (buffer|file) /, '');
    throw new VigilError('IMAGE_UNREADABLE', `${label} is not a readable image (${reason})`, { cause: error });
  }
}

export async function decodeImageFile(path: string, maxSide = MAX_DECODE_SIDE): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new VigilError('IMAGE_UNREADABLE', `${path} is not a file`);
    if (info.size > MAX_IMAGE_FILE_BYTES) throw photoTooLarge(path, info.size);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('IMAGE_UNREADABLE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return decodeImage(bytes, path, maxSide);
}

/** Encodes an RGB frame as JPEG for display (live view); never written to disk. */
export async function encodeJpeg(image: RgbImage, quality = 75): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.width * image.height * 3), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/** A small JPEG of a face for display (an alert card): at most `maxSide` pixels a side, in memory only, never written to disk. */
export async function encodeJpegThumbnail(image: RgbImage, maxSide = 128, quality = 80): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.width * image.height * 3), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}
