// Loads the CLI without GUN's import-time welcome line on stdout (it would corrupt --json).
export async function start(name) {
  const log = globalThis.console.log;
  globalThis.console.log = (...args) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('Hello wonderful person!')))
      log(...args);
  };
  const { main } = await import('../src/main.ts');
  globalThis.console.log = log;
  await main(name);
}
