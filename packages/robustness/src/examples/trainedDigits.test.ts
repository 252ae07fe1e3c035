import { DlfError } from '@dlf/runtime';
import type * as TF from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrainedDigits } from './trainedDigits.js';
import { aDigit, argmax, trainedDigits } from './trainedDigits.js';

// Only `getBackend` is read: the cache is per backend.
const fakeTf = (backend: string) => ({ getBackend: () => backend }) as unknown as typeof TF;
const fakeModel = (id: number) => ({ id }) as unknown as TrainedDigits;

describe('trainedDigits (the examples’ model cache)', () => {
  it('trains once per key and backend, and every later call gets the same model', async () => {
    let calls = 0;
    const train = async () => fakeModel(++calls);
    const signal = new AbortController().signal;
    const a = await trainedDigits(fakeTf('wasm'), 'cache-key-1', train, signal);
    const b = await trainedDigits(fakeTf('wasm'), 'cache-key-1', train, signal);
    const c = await trainedDigits(fakeTf('cpu'), 'cache-key-1', train, signal);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(calls).toBe(2);
  });

  it('forgets a training that was stopped, so a waiting run trains again', async () => {
    let calls = 0;
    let fail = true;
    const train = async () => {
      calls++;
      if (fail) {
        fail = false;
        throw new DlfError('ABORTED', 'stopped');
      }
      return fakeModel(calls);
    };
    const stopped = new AbortController();
    stopped.abort();
    const live = new AbortController().signal;
    const first = trainedDigits(fakeTf('wasm'), 'cache-key-2', train, stopped.signal);
    const second = trainedDigits(fakeTf('wasm'), 'cache-key-2', train, live);
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    const model = await second;
    expect(model).toEqual(fakeModel(2));
    expect(calls).toBe(2);
    expect(await trainedDigits(fakeTf('wasm'), 'cache-key-2', train, live)).toBe(model);
  });

  it('argmax picks the first largest entry; aDigit uses "an" before 8 only', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax([0.5, 0.5])).toBe(0);
    expect(aDigit(8)).toBe('an 8');
    expect(aDigit(4)).toBe('a 4');
  });
});
