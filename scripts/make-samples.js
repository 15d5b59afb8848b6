// Generates samples/: small synthetic images (gradients, shapes, text) and transformed copies of some of them.
// Deterministic: running it again gives the same files. Never real photographs.
// Usage: node scripts/make-samples.js [outDir]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const outDir = process.argv[2] ?? new URL('../samples/', import.meta.url).pathname;

const originals = {
  'gradient.png': { width: 640, height: 480, svg: gradient },
  'shapes.png': { width: 640, height: 480, svg: shapes },
  'text.png': { width: 640, height: 360, svg: text },
  'tiles.png': { width: 512, height: 512, svg: tiles },
};

function gradient(w, h) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#0b3d91"/><stop offset="0.5" stop-color="#f2c14e"/><stop offset="1" stop-color="#8c1c13"/>
  </linearGradient><radialGradient id="r" cx="0.3" cy="0.4" r="0.5">
    <stop offset="0" stop-color="#ffffff" stop-opacity="0.8"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/>
  </radialGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/><rect width="100%" height="100%" fill="url(#r)"/>
  <path d="M0 ${h * 0.75} Q ${w * 0.25} ${h * 0.55} ${w * 0.5} ${h * 0.72} T ${w} ${h * 0.65} V ${h} H 0 Z" fill="#1b4332" opacity="0.85"/>
  <circle cx="${w * 0.72}" cy="${h * 0.28}" r="${h * 0.12}" fill="#fff3b0" opacity="0.9"/></svg>`;
}

function shapes(w, h) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="100%" height="100%" fill="#e8e4d8"/>
  <circle cx="${w * 0.25}" cy="${h * 0.35}" r="${h * 0.22}" fill="#d1495b"/>
  <rect x="${w * 0.5}" y="${h * 0.15}" width="${w * 0.35}" height="${h * 0.3}" fill="#00798c" transform="rotate(12 ${w * 0.67} ${h * 0.3})"/>
  <polygon points="${w * 0.15},${h * 0.9} ${w * 0.45},${h * 0.55} ${w * 0.7},${h * 0.92}" fill="#edae49"/>
  <ellipse cx="${w * 0.8}" cy="${h * 0.75}" rx="${w * 0.12}" ry="${h * 0.1}" fill="#30638e"/></svg>`;
}

function text(w, h) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="100%" height="100%" fill="#fdfdfd"/>
  <rect x="20" y="20" width="${w - 40}" height="${h - 40}" fill="none" stroke="#222" stroke-width="6"/>
  <text x="50%" y="42%" font-family="sans-serif" font-size="64" font-weight="bold" text-anchor="middle" fill="#1d3557">VIGIE</text>
  <text x="50%" y="65%" font-family="sans-serif" font-size="30" text-anchor="middle" fill="#e63946">synthetic test image</text>
  <text x="50%" y="80%" font-family="monospace" font-size="22" text-anchor="middle" fill="#457b9d">no real content</text></svg>`;
}

function tiles(w, h) {
  const cells = [];
  const colours = ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#8ab17d', '#6d597a', '#b56576'];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const colour = colours[(x * 3 + y * 5 + ((x * y) % 3)) % colours.length];
      cells.push(`<rect x="${x * 64}" y="${y * 64}" width="64" height="64" fill="${colour}"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${cells.join('')}
  <circle cx="256" cy="256" r="120" fill="none" stroke="#fff" stroke-width="18"/></svg>`;
}

async function render(name, { width, height, svg }) {
  return sharp(Buffer.from(svg(width, height))).png({ compressionLevel: 9 }).toBuffer();
}

await mkdir(join(outDir, 'transformed'), { recursive: true });
for (const [name, spec] of Object.entries(originals)) {
  const png = await render(name, spec);
  await writeFile(join(outDir, name), png);
  const stem = name.replace(/\.png$/, '');
  if (stem === 'tiles') continue;
  const { width, height } = spec;
  const variants = {
    [`${stem}-resized.png`]: sharp(png).resize(Math.round(width / 2), Math.round(height / 2)).png(),
    [`${stem}-q60.jpg`]: sharp(png).jpeg({ quality: 60 }),
    // 5 % of the area cut away, evenly around the edges (each side keeps 97.5 %).
    [`${stem}-crop5.png`]: sharp(png)
      .extract({
        left: Math.round(width * 0.0125),
        top: Math.round(height * 0.0125),
        width: Math.round(width * 0.975),
        height: Math.round(height * 0.975),
      })
      .png(),
    [`${stem}-rot90.png`]: sharp(png).rotate(90).png(),
    [`${stem}-mirror.png`]: sharp(png).flop().png(),
  };
  for (const [variantName, pipeline] of Object.entries(variants)) {
    await writeFile(join(outDir, 'transformed', variantName), await pipeline.toBuffer());
  }
}
await writeFile(join(outDir, 'notes.txt'), 'Not an image: vigie hash reports this file as media "other".\n');
console.log(`samples written to ${outDir}`);
