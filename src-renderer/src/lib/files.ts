import type { PhotoInput } from '../../../src-preload/contract';

/** The contract's one photo limit (the engine refuses the same files from the CLI and folder imports). */
export { MAX_PHOTO_BYTES, MAX_PHOTO_MB } from '../../../src-preload/contract';

/** Reads a File as base64 (without the data: prefix) using the browser's own encoder. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.onload = () => {
      const result = typeof reader.result === 'string' ? reader.result : '';
      const comma = result.indexOf(',');
      resolve(comma >= 0 ? result.slice(comma + 1) : '');
    };
    reader.readAsDataURL(file);
  });
}

export async function filesToPhotos(files: readonly File[]): Promise<PhotoInput[]> {
  const photos: PhotoInput[] = [];
  for (const file of files) {
    let dataBase64: string;
    try {
      dataBase64 = await fileToBase64(file);
    } catch (error) {
      throw new Error(`${file.name} could not be read from disk (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    if (!dataBase64) throw new Error(`${file.name} is empty`);
    photos.push({ fileName: (file.name || 'photo').slice(0, 260), dataBase64 });
  }
  return photos;
}

/** Turns a base64 string into bytes (for decoding JPEG frames). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Starts a download of `text` as a file (browser and Electron alike). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Starts a download of base64 bytes as a file (an XLSX export). */
export function downloadBase64(fileName: string, base64: string, type: string): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(base64)], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
