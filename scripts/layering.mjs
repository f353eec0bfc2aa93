// The layering check (`npm run check`): dependency-cruiser's API with the rules in
// .dependency-cruiser.cjs. Its CLI refuses Node 20, the version this project runs on; the API does not.
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs');
const result = await cruise(
  ['src'],
  { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'err' },
  undefined,
  { tsConfig: extractTSConfig('tsconfig.json') },
);
process.stdout.write(result.output);
process.exit(result.exitCode === 0 ? 0 : 1);
