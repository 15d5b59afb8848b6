import sharp from 'sharp';
import type { EnvironmentCheck } from '../core/environment.js';

/** The image decoder and the formats it reads. */
export async function checkImageSupport(): Promise<EnvironmentCheck[]> {
  const formats = Object.values(sharp.format)
    .filter((format) => format.input.file)
    .map((format) => format.id);
  const wanted = ['jpeg', 'png', 'webp', 'gif', 'tiff'];
  const missing = wanted.filter((format) => !formats.includes(format));
  return [
    {
      name: 'image decoder',
      status: missing.length === 0 ? 'ok' : 'degraded',
      required: true,
      detail:
        `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}; reads ${formats.sort().join(', ')}` +
        (missing.length > 0 ? `; cannot read ${missing.join(', ')}` : ''),
    },
  ];
}
