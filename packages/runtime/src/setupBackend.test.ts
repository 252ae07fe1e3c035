import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DlfError } from './DlfError.js';
import { defaultBackendOrder, setupBackend } from './setupBackend.js';

describe('setupBackend', () => {
  it('prefers wasm over cpu in Node and makes it active', async () => {
    expect(defaultBackendOrder()).toEqual(['wasm', 'cpu']);
    const name = await setupBackend();
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(await y.data()).toEqual(new Float32Array([11]));
    y.dispose();
  });

  it('switches to cpu on request and falls back past unavailable backends', async () => {
    expect(await setupBackend({ prefer: 'cpu', strict: true })).toBe('cpu');
    expect(await setupBackend({ prefer: ['webgpu', 'webgl'] })).toBe('wasm');
  });

  it('fails clearly when strict and nothing works, or when a name is unknown', async () => {
    await expect(setupBackend({ prefer: 'webgpu', strict: true })).rejects.toThrow(DlfError);
    await expect(setupBackend({ prefer: 'webgpu', strict: true })).rejects.toThrow(/webgpu: not available/);
    await expect(setupBackend({ prefer: 'cuda' as never })).rejects.toThrow(/prefer must name backends/);
  });
});
