// Whether this install can build (the compiler and the bundler are dev dependencies): shared by
// `prepare` and `npm start`, so both judge an install without dev dependencies the same way.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The build tools that are not installed (empty when the build can run). */
export function missingBuildTools() {
  return ['typescript', 'vite'].filter((m) => {
    try {
      require.resolve(`${m}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
}
