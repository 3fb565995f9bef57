import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Each e2e file runs a whole stack (the chaos proof runs two, the crash test a separate process): one file
// at a time, or on a 2-core machine they starve each other into timeouts.
export default mergeConfig(shared, { test: { fileParallelism: false } });
