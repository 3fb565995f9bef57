export declare const SERVICE_PACKAGE_METADATA: 'gamekeeper:servicePackage';
export declare const FUNCTION_NODE_TARGET: 'node22';
export declare const FUNCTION_BUNDLING: Readonly<{
  format: 'esm';
  target: typeof FUNCTION_NODE_TARGET;
  minify: true;
  sourcemap: 'linked';
  mainFields: readonly string[];
  banner: string;
}>;
/** Bundles one handler; answers the bundle's path and the absolute paths of every source file in it. */
export declare function bundleFunction(options: { entry: string; outfile: string; logLevel?: 'error' | 'info' | 'warning' | 'silent' }): Promise<{ outfile: string; inputs: string[] }>;
/** The same bundle built again and again (a watcher's reloads): esbuild re-reads only the files that changed. */
export declare function functionBundler(options: { entry: string; outfile: string; logLevel?: 'error' | 'info' | 'warning' | 'silent' }): {
  rebuild(): Promise<{ outfile: string; inputs: string[] }>;
  dispose(): Promise<void>;
};
