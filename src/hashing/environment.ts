import type { EnvironmentCheck } from '../core/environment.js';
import { describeError } from '../core/errors.js';
import { kernelModule } from './pdq-kernel.js';

/** PDQ's WebAssembly kernel (built by npm run build; needs WebAssembly SIMD, which Node 20 has). */
function checkPdqKernel(): EnvironmentCheck {
  try {
    kernelModule();
    return { name: 'PDQ kernel', status: 'ok', required: true, detail: 'WebAssembly SIMD (dist/hashing/pdq.wasm)' };
  } catch (error) {
    return { name: 'PDQ kernel', status: 'missing', required: true, detail: describeError(error).message };
  }
}

/** The image decoder and the formats it reads, and PDQ's kernel. */
export async function checkImageSupport(): Promise<EnvironmentCheck[]> {
  // Loaded here, not at the top: this module is part of src/hashing's public entry, which must not load sharp.
  const { default: sharp } = await import('sharp');
  const formats = Object.values(sharp.format)
    .filter((format) => format.input.file)
    .map((format) => format.id);
  const wanted = ['jpeg', 'png', 'webp', 'gif', 'tiff'];
  const missing = wanted.filter((format) => !formats.includes(format));
  return [
    checkPdqKernel(),
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
