// Types for the part of gifenc (https://github.com/mattdesl/gifenc, MIT, no dependencies) the agent uses.
declare module "gifenc" {
  export interface FrameOptions {
    palette?: number[][];
    /** Frame delay in ms. */
    delay?: number;
    /** 0 loops forever, -1 plays once. */
    repeat?: number;
    first?: boolean;
  }
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): Encoder;
}
