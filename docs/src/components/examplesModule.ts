import type { Example } from '@dlf/runtime/examples';

/** What every package's `./examples` subpath exports: its examples by name. */
export interface ExamplesModule {
  examples: Readonly<Record<string, Example<object>>>;
}
