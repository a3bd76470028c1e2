/**
 * Compose's variable interpolation (`$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`, `${NAME:+other}`, `${NAME+other}`, `$$`), so the checks can
 * read the environment every service gets without a Compose binary. CI compares the result with
 * `docker-compose config` wherever that is installed.
 */

export interface VariableRef {
  name: string;
  /** '' for a plain reference, otherwise the operator: ':-', '-', ':?', '?', ':+', '+'. */
  operator: string;
  argument: string;
}

export interface Interpolated {
  value: string;
  refs: VariableRef[];
  errors: string[];
}

const reference =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^}$]|\$\$)*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g;

export function interpolate(text: string, vars: ReadonlyMap<string, string>): Interpolated {
  const refs: VariableRef[] = [];
  const errors: string[] = [];
  const value = text.replace(
    reference,
    (
      match: string,
      braced: string | undefined,
      operator: string | undefined,
      argument: string | undefined,
      bare: string | undefined,
      invalid: string | undefined,
    ) => {
      if (match === '$$') return '$';
      if (invalid !== undefined) {
        errors.push(`invalid interpolation format in ${JSON.stringify(text)}`);
        return match;
      }
      const name = (braced ?? bare) as string;
      const op = operator ?? '';
      const arg = (argument ?? '').replace(/\$\$/g, '$');
      refs.push({ name, operator: op, argument: arg });
      const set = vars.has(name);
      const current = vars.get(name) ?? '';
      switch (op) {
        case ':-':
          return current === '' ? arg : current;
        case '-':
          return set ? current : arg;
        case ':?':
        case '?':
          if (op === ':?' ? current === '' : !set) {
            errors.push(`${name} is required: ${arg || 'not set'}`);
          }
          return current;
        case ':+':
          return current === '' ? '' : arg;
        case '+':
          return set ? arg : '';
        default:
          return current;
      }
    },
  );
  return { value, refs, errors };
}

/** A dotenv file as Compose reads it: NAME=value lines, # comments, optional outer quotes. */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    }
    vars.set(name, value);
  }
  return vars;
}
