import { createConfig } from '@sync/eslint-config';

export default createConfig({ tsconfigRootDir: import.meta.dirname });
