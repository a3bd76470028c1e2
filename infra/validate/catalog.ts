/**
 * The config catalog as the deployment checks see it, read at run time from @sync/config so
 * variables other packages add are known at once.
 */
import { envCatalog, type EnvVar } from '@sync/config';

export interface CatalogVar {
  name: string;
  group: string;
  spec: EnvVar;
}

export interface Catalog {
  vars: Map<string, CatalogVar>;
  /** What a name given to a container is: a catalog variable, an alias, or `<SECRET>_FILE`. */
  resolve(name: string): { kind: 'var' | 'alias' | 'file'; variable: CatalogVar } | undefined;
  groups(): string[];
}

export function loadCatalog(): Catalog {
  const vars = new Map<string, CatalogVar>();
  for (const [group, groupVars] of Object.entries(envCatalog)) {
    for (const [name, spec] of Object.entries(groupVars as Record<string, EnvVar>)) {
      vars.set(name, { name, group, spec });
    }
  }
  const aliases = new Map<string, CatalogVar>();
  for (const v of vars.values()) for (const a of v.spec.aliases ?? []) aliases.set(a, v);
  return {
    vars,
    groups: () => Object.keys(envCatalog),
    resolve(name) {
      const direct = vars.get(name);
      if (direct) return { kind: 'var', variable: direct };
      const alias = aliases.get(name);
      if (alias) return { kind: 'alias', variable: alias };
      if (name.endsWith('_FILE')) {
        const target = vars.get(name.slice(0, -'_FILE'.length));
        if (target?.spec.secret) return { kind: 'file', variable: target };
      }
      return undefined;
    },
  };
}
