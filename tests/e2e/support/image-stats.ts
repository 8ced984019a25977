import { PNG } from 'pngjs';

export interface ImageStats {
  mean: number;
  stddev: number;
  /** Share of pixels brighter than a near-black threshold. */
  litFraction: number;
  /** Share of near-white pixels: what bone or contrast looks like in a CT window. */
  brightFraction: number;
}

/** Luminance statistics of a PNG screenshot: a black viewport with the right DOM is still a failure. */
export function imageStats(png: Buffer): ImageStats {
  const image = PNG.sync.read(png);
  const { data } = image;
  const count = image.width * image.height;
  let sum = 0;
  let sumSquares = 0;
  let lit = 0;
  let bright = 0;
  for (let i = 0; i < data.length; i += 4) {
    const luminance = 0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
    sum += luminance;
    sumSquares += luminance * luminance;
    if (luminance > 24) lit += 1;
    if (luminance > 230) bright += 1;
  }
  const mean = sum / count;
  return { mean, stddev: Math.sqrt(Math.max(0, sumSquares / count - mean * mean)), litFraction: lit / count, brightFraction: bright / count };
}
