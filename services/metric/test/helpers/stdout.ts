import { vi } from 'vitest';

/**
 * Runs `act` with stdout captured (Powertools Metrics writes its EMF lines straight to process.stdout, as
 * on Lambda) and answers the lines written, each as CloudWatch Logs would receive it.
 */
export async function captureStdout<T>(act: () => T | Promise<T>): Promise<{ result: T; lines: string[] }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await act();
    return { result, lines: written.join('').split('\n').filter((line) => line.length > 0) };
  } finally {
    spy.mockRestore();
  }
}

/** The lines that carry an EMF directive, parsed. */
export const emfDocuments = (lines: readonly string[]) =>
  lines.flatMap((line) => {
    try {
      const doc = JSON.parse(line) as Record<string, any>;
      return doc?._aws !== undefined ? [doc] : [];
    } catch {
      return [];
    }
  });
