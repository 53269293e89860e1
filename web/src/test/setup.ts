import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => {
  cleanup();
  // Nothing carries over between tests: not mockApi's fetch (src/test/api.ts), not a stored guest cart id or left-out lines.
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});
