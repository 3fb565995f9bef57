import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  contentType: string;
}

export const WEB_ENTRY = fileURLToPath(new URL('../web/main.ts', import.meta.url));

/**
 * The page's JavaScript and CSS, bundled by esbuild in memory (nothing written, nothing fetched): the
 * front end in `src/web`, uPlot and the contracts' zod schemas, minified for the browser.
 */
export async function bundleWeb(): Promise<{ js: Asset; css: Asset }> {
  const result = await build({
    entryPoints: [WEB_ENTRY],
    bundle: true,
    write: false,
    outdir: '/console-assets',
    entryNames: 'app',
    format: 'iife',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const asset = (ext: string, contentType: string): Asset => {
    const file = result.outputFiles.find((f) => f.path.endsWith(ext));
    const body = Buffer.from(file?.contents ?? new Uint8Array());
    return { body, gzip: gzipSync(body, { level: 9 }), contentType };
  };
  return { js: asset('.js', 'text/javascript; charset=utf-8'), css: asset('.css', 'text/css; charset=utf-8') };
}
