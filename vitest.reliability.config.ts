// The reliability suite (issue #4): hostile responses, injected faults, load, property-based tests and secret
// redaction, against the local gateway over real loopback HTTP. `npm run test:reliability`.
//
// Files run one after another in forked workers started with --expose-gc: the load figures (requests/s, heap
// growth after GC) and the timing assertions (Retry-After waits, aborts) must not compete with another file for
// the two cores. The global setup collects the figures every file writes and prints them as one table at the end.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/reliability/support/global-setup.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 15_000,
    // The figures are the point of this suite: never hide console output.
    silent: false,
  },
})
