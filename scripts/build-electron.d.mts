// Types of scripts/build-electron.mjs for the tests that reuse its esbuild options.
import type { BuildOptions } from 'esbuild';

export declare const MAIN_EXTERNALS: readonly string[];
export declare function preloadOptions(overrides?: BuildOptions): BuildOptions;
export declare function mainOptions(overrides?: BuildOptions): BuildOptions;
