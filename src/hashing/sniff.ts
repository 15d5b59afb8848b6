import { open } from 'node:fs/promises';
import type { MediaKind } from '../core/signals/index.js';

/** Enough bytes for every signature below (an MPEG-TS file is recognised by its second 188-byte packet). */
export const SNIFF_BYTES = 256;

export interface SniffResult {
  media: MediaKind;
  /** Container or image format as read from the magic bytes, e.g. `jpeg`, `png`, `mp4`, `matroska`. */
  format?: string;
}

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((value, i) => bytes[offset + i] === value);
const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');

const IMAGE_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'mif1', 'msf1']);

/**
 * What a file is, from its first bytes: never from its name, since reported files are often misnamed on purpose.
 * Videos are only recognised here; whether ffmpeg can decode them is for the video pipeline to say.
 */
export function sniffMedia(head: Uint8Array): SniffResult {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { media: 'image', format: 'jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { media: 'image', format: 'png' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { media: 'image', format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { media: 'image', format: 'webp' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') return { media: 'video', format: 'avi' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { media: 'image', format: 'tiff' };
  }
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26) return { media: 'image', format: 'bmp' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (IMAGE_BRANDS.has(brand)) return { media: 'image', format: 'heif' };
    return { media: 'video', format: brand.startsWith('3g') ? '3gp' : brand === 'qt  ' ? 'mov' : 'mp4' };
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { media: 'video', format: 'matroska' };
  if (ascii(head, 0, 3) === 'FLV') return { media: 'video', format: 'flv' };
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) {
    return { media: 'video', format: 'mpeg' };
  }
  if (head[0] === 0x47 && head[188] === 0x47) return { media: 'video', format: 'mpegts' };
  if (ascii(head, 4, 8) === 'moov' || ascii(head, 4, 8) === 'mdat' || ascii(head, 4, 8) === 'wide') {
    return { media: 'video', format: 'mov' };
  }
  return { media: 'other' };
}

export async function sniffFile(path: string): Promise<SniffResult> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sniffMedia(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
