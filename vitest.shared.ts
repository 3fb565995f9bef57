import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every package uses. Integration tests talk to real local servers
 * (dynalite, the local runtime) while turbo runs packages in parallel on small machines, so timeouts
 * are generous; a test that hangs still fails.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
