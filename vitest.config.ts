import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite (load, faults, fuzzing) has its own command: npm run test:reliability; so has the
    // runtime suite (a pack, then six runtimes): npm run test:runtimes.
    exclude: ['test/reliability/**', 'test/runtimes/**', 'node_modules/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
