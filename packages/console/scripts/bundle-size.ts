/** Prints the page bundle's size, raw and gzip (the goal is at most 300 KB of JavaScript, gzip). */
import { bundleWeb } from '../src/server/bundle';

const { js, css } = await bundleWeb();
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`app.js  ${kb(js.body.length)} raw, ${kb(js.gzip.length)} gzip`);
console.log(`app.css ${kb(css.body.length)} raw, ${kb(css.gzip.length)} gzip`);
