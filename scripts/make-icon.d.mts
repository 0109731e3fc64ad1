// Types of scripts/make-icon.mjs for the installer test.
export declare function encodePng(width: number, height: number, rgba: Buffer): Buffer;
export declare function drawIcon(size: number, samples?: number): Buffer;
