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
/** esbuild's version and {@link FUNCTION_BUNDLING}: what besides the sources decides a bundle's content. */
export declare const BUNDLER_IDENTITY: string;
/** What the CDK NodejsFunction leaves out of the asset on `nodejs22.x`: the runtime provides AWS SDK v3. */
export declare const AWS_RUNTIME_EXTERNALS: readonly ['@aws-sdk/*'];
/**
 * Bundles one handler; answers the bundle's path, the absolute paths of every source file in it and
 * esbuild's metafile. `external` defaults to none (the SDK bundled in, as locally); pass
 * {@link AWS_RUNTIME_EXTERNALS} for the asset the CDK builds.
 */
export declare function bundleFunction(options: {
  entry: string;
  outfile: string;
  logLevel?: 'error' | 'info' | 'warning' | 'silent';
  external?: readonly string[];
}): Promise<{ outfile: string; inputs: string[]; metafile: import('esbuild').Metafile }>;
/** The same bundle built again and again (a watcher's reloads): esbuild re-reads only the files that changed. */
export declare function functionBundler(options: { entry: string; outfile: string; logLevel?: 'error' | 'info' | 'warning' | 'silent' }): {
  rebuild(): Promise<{ outfile: string; inputs: string[] }>;
  dispose(): Promise<void>;
};
