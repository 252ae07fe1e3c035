import { describe, expect, it } from 'vitest';
import { staticValueImports } from './testing.js';

describe('staticValueImports', () => {
  it('lists static value imports, multi-line ones included, and skips type-only and dynamic imports', () => {
    const source = [
      "import type { Tensor } from '@tensorflow/tfjs';",
      "import { defineExample } from '@dlf/runtime/examples';",
      'import {',
      '  a,',
      '  b,',
      "} from './helpers.js';",
      "import * as tf from '@tensorflow/tfjs';",
      "const lazy = await import('../index.js');",
      "  import { notAtLineStart } from 'x';",
    ].join('\n');
    expect(staticValueImports(source)).toEqual(['@dlf/runtime/examples', './helpers.js', '@tensorflow/tfjs']);
  });
});
