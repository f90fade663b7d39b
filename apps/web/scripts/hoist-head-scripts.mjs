/* global process, console, URL */
/**
 * Moves the inline scripts of each exported page's <head> (theme, chunk retry, the boot calls)
 * ahead of its first <link>. Next.js writes the stylesheet link first, and a browser holds an
 * inline script back until every stylesheet above it has loaded: the boot script's API calls
 * left 140-540 ms after navigation (bench/web) instead of as the HTML arrived. Run after
 * `next build`; the scripts' text is unchanged, so the API's CSP hashes still match.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE = /<script>[\s\S]*?<\/script>/g;

/** The page with its head's inline scripts, in their order, before the head's first <link>. */
export function hoistHeadScripts(html) {
  const end = html.indexOf('</head>');
  if (end < 0) return html;
  const head = html.slice(0, end);
  const scripts = head.match(INLINE) ?? [];
  const rest = head.replace(INLINE, '');
  const at = rest.indexOf('<link');
  if (scripts.length === 0 || at < 0) return html;
  return rest.slice(0, at) + scripts.join('') + rest.slice(at) + html.slice(end);
}

async function* htmlFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(file);
    else if (entry.name.endsWith('.html')) yield file;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../out/', import.meta.url));
  let changed = 0;
  for await (const file of htmlFiles(out)) {
    const html = await readFile(file, 'utf8');
    const hoisted = hoistHeadScripts(html);
    if (hoisted !== html) {
      await writeFile(file, hoisted);
      changed += 1;
    }
  }
  console.log(`hoisted the head's inline scripts in ${changed} pages`);
}
