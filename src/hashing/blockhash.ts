import { bmvbhash, bmvbhashEven } from 'blockhash-core';
import type { RgbaImage } from './decode.js';

/** Grid side: 16x16 blocks, 256 bits, the size the published lists and the reference test data use. */
export const BLOCKHASH_GRID = 16;

/** blockhash.io precise method (which itself switches to the quick one when the grid divides the image evenly). */
export function blockhashPrecise(image: RgbaImage): string {
  return bmvbhash(image, BLOCKHASH_GRID);
}

/** blockhash.io quick method: whole pixels only, remainders at the right and bottom edges ignored. */
export function blockhashQuick(image: RgbaImage): string {
  return bmvbhashEven(image, BLOCKHASH_GRID);
}
