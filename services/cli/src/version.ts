/**
 * What `gun-sync --version` prints: the `version` of services/cli/package.json, the package that
 * ships the `gun-sync` bin (and is in the image, so the container reports the same).
 */
import manifest from '../package.json' with { type: 'json' };

export const cliVersion: string = manifest.version;
