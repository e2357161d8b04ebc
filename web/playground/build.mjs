// Bundles eilnet's GraphiQL into internal/playground/dist (or the folder
// given as the first argument): index.html, served at /, and assets/, whose
// every file is named by its content's hash and served under /playground/.
// Same sources, same bytes: esbuild is deterministic and nothing here
// writes a time or an absolute path.
//
//   npm ci && node build.mjs [outdir]      (make playground does both)
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, '../../internal/playground/dist'));
const assets = join(outdir, 'assets');

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['es2022'],
  platform: 'browser',
  legalComments: 'eof',
  charset: 'utf8',
  metafile: true,
  write: true,
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

// outputOf answers the file name of entry point `entry`'s output in a
// build's metafile, and that of its stylesheet if any.
function outputOf(result, entry) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (out.entryPoint === entry) {
      return { name: basename(file), css: out.cssBundle && basename(out.cssBundle) };
    }
  }
  throw new Error(`no output for ${entry}`);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// Monaco's workers, as classic scripts: the editor's own, JSON's (the
// variables and headers panes) and monaco-graphql's.
const workerEntries = {
  'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'node_modules/monaco-graphql/esm/graphql.worker.js',
};
const workers = await esbuild.build({ ...common, entryPoints: workerEntries, format: 'iife' });

// The page's script and its styles. import() calls are bundled in (no
// splitting): one script, one stylesheet.
const main = await esbuild.build({
  ...common,
  entryPoints: { main: 'src/main.jsx' },
  format: 'esm',
  jsx: 'automatic',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  define: {
    ...common.define,
    __EDITOR_WORKER__: JSON.stringify(`./${outputOf(workers, workerEntries['editor.worker']).name}`),
    __JSON_WORKER__: JSON.stringify(`./${outputOf(workers, workerEntries['json.worker']).name}`),
    __GRAPHQL_WORKER__: JSON.stringify(`./${outputOf(workers, workerEntries['graphql.worker']).name}`),
  },
});
const { name: script, css: style } = outputOf(main, 'src/main.jsx');
if (!style) {
  throw new Error('no stylesheet for the page');
}

const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', `/playground/${script}`)
  .replace('%STYLE%', `/playground/${style}`);
writeFileSync(join(outdir, 'index.html'), page);
