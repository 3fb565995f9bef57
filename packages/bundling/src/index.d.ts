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
export declare function bundleFunction(options: { entry: string; outfile: string; logLevel?: 'error' | 'info' | 'warning' | 'silent' }): Promise<string>;
