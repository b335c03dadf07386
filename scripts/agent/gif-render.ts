/**
 * The agent's real export: an animated GIF rendered frame by frame from the
 * job's input ({frames, width, height, text}) and encoded with gifenc. The
 * output depends only on the input, so anyone can re-render and compare bytes.
 *
 * Each frame: a background whose hue turns with time, a ball that bounces
 * across, the job's text, a frame counter and a progress bar.
 */
import { createRequire } from "node:module";
import type { Encoder, GIFEncoder as MakeEncoder } from "gifenc";
import { z } from "zod";
import { drawText, textWidth } from "./bitmap-font";

// gifenc ships CommonJS for Node and ESM for bundlers with different export
// shapes; require() gives the same module under tsx, Node and vitest.
const { GIFEncoder } = createRequire(import.meta.url)("gifenc") as { GIFEncoder: typeof MakeEncoder };

export const RenderInput = z.object({
  frames: z.number().int().min(1).max(240).default(24),
  width: z.number().int().min(16).max(640).default(160),
  height: z.number().int().min(16).max(480).default(90),
  text: z.string().max(40).default("EXPORT"),
  /** Delay between frames when the GIF plays. */
  frame_delay_ms: z.number().int().min(20).max(1000).default(80),
});
export type RenderInput = z.infer<typeof RenderInput>;

/** A 6x6x6 color cube: index = 36r + 6g + b for levels 0..5. */
const PALETTE = Array.from({ length: 216 }, (_, i) => [Math.floor(i / 36), Math.floor(i / 6) % 6, i % 6].map((v) => v * 51));
const color = (r: number, g: number, b: number) => 36 * r + 6 * g + b;
const WHITE = color(5, 5, 5);
const BLACK = color(0, 0, 0);
const BALL = color(5, 4, 0);

/** Renders one frame at a time; finish() gives the GIF bytes. */
export class GifRender {
  private readonly encoder: Encoder = GIFEncoder();
  private readonly pixels: Uint8Array;
  private next = 0;

  constructor(readonly input: RenderInput) {
    this.pixels = new Uint8Array(input.width * input.height);
  }

  get framesLeft(): number {
    return this.input.frames - this.next;
  }

  /** Draws and encodes the next frame; returns how many frames are done. */
  renderFrame(): number {
    const { width: w, height: h, frames, text } = this.input;
    const i = this.next;
    const t = frames === 1 ? 0 : i / (frames - 1);
    const px = this.pixels;
    const plot = (x: number, y: number, c: number) => {
      if (x >= 0 && y >= 0 && x < w && y < h) px[y * w + x] = c;
    };
    // Background: a diagonal gradient whose tint turns with t.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const g = Math.floor(((x + y) / (w + h)) * 3);
        px[y * w + x] = color(Math.round(t * 2), g, 2 + Math.round((1 - t) * 2));
      }
    }
    // A ball bouncing across.
    const r = Math.max(2, Math.floor(h / 8));
    const cx = Math.round(r + t * (w - 2 * r - 1));
    const cy = Math.round(h / 2 - Math.abs(Math.sin(t * Math.PI * 3)) * (h / 2 - r - 1));
    for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) plot(cx + x, cy + y, BALL);
    // The text, centred near the top, and the frame counter under it.
    const scale = Math.max(1, Math.min(4, Math.floor(w / Math.max(1, textWidth(text, 1) + 4))));
    drawText(text, Math.floor((w - textWidth(text, scale)) / 2), 2, scale, (x, y) => plot(x, y, WHITE));
    const counter = `${i + 1}/${frames}`;
    drawText(counter, 2, h - 10, 1, (x, y) => plot(x, y, WHITE));
    // Progress bar along the bottom.
    const bar = Math.round(((i + 1) / frames) * w);
    for (let x = 0; x < w; x++) {
      plot(x, h - 3, x < bar ? WHITE : BLACK);
      plot(x, h - 2, x < bar ? WHITE : BLACK);
    }
    this.encoder.writeFrame(px, w, h, { palette: PALETTE, delay: this.input.frame_delay_ms, repeat: 0 });
    this.next += 1;
    return this.next;
  }

  /** The last rendered frame alone, as a one-frame GIF (a preview for the job's page). */
  currentFrameGif(): Uint8Array {
    const { width: w, height: h } = this.input;
    const single = GIFEncoder();
    single.writeFrame(this.pixels, w, h, { palette: PALETTE });
    single.finish();
    return single.bytes();
  }

  /** The GIF, once every frame is rendered. */
  finish(): Uint8Array {
    while (this.framesLeft > 0) this.renderFrame();
    this.encoder.finish();
    return this.encoder.bytes();
  }
}

/** The whole GIF for `input` at once (tests and re-renders). */
export function renderGif(input: unknown): Uint8Array {
  return new GifRender(RenderInput.parse(input)).finish();
}
