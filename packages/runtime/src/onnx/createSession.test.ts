import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../createRng.js';
import { DlfError } from '../DlfError.js';
import { expectNoLeaks, setupTestBackend } from '../testing.js';
import { createSession } from './createSession.js';
import { exportOnnx } from './exportOnnx.js';

// A two-input model (features + integer ids) and a one-input MLP, with seeded weights; outputs of
// onnxruntime are compared with tfjs's model.predict on the same inputs.

let mlp: tf.LayersModel;
let mlpBytes: Uint8Array;
let twoInputs: tf.LayersModel;
let twoInputBytes: Uint8Array;
let dir: string;

function seeded(model: tf.LayersModel, seed: number): void {
  const rng = createRng(seed);
  const values = model.weights.map((w) =>
    tf.tensor(
      rng.normalArray(
        (w.shape as number[]).reduce((a, b) => a * b, 1),
        0,
        0.5,
      ),
      w.shape as number[],
    ),
  );
  model.setWeights(values);
  tf.dispose(values);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

beforeAll(async () => {
  await setupTestBackend();
  mlp = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  seeded(mlp, 1);
  mlpBytes = exportOnnx(mlp);
  const features = tf.input({ shape: [3], name: 'features' });
  const ids = tf.input({ shape: [2], name: 'ids', dtype: 'int32' });
  const emb = tf.layers
    .flatten()
    .apply(tf.layers.embedding({ inputDim: 5, outputDim: 2 }).apply(ids)) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([features, emb]) as tf.SymbolicTensor;
  twoInputs = tf.model({
    inputs: [features, ids],
    outputs: tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor,
  });
  seeded(twoInputs, 2);
  twoInputBytes = exportOnnx(twoInputs, { inputName: ['features', 'ids'] });
  dir = mkdtempSync(join(tmpdir(), 'dlf-onnx-'));
});

afterAll(() => {
  mlp.dispose();
  twoInputs.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const web = { runtime: 'onnxruntime-web' } as const;

describe('createSession', () => {
  it('creates 4 sessions concurrently (initialisation is serialised) and they all compute the model', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => createSession(mlpBytes, web)));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const want = (mlp.predict(x) as tf.Tensor).dataSync();
    const results = await Promise.all(sessions.map((s) => s.run(x)));
    for (const r of results) expect(maxAbsDiff(r.output?.data as Float32Array, want)).toBeLessThan(1e-5);
    for (const s of sessions) {
      expect(s.runtime).toBe('onnxruntime-web');
      expect(s.provider).toBe('wasm');
      await s.dispose();
    }
    x.dispose();
  });

  it('accepts a tf.Tensor, { data, dims } and a record of named inputs, converting number types', async () => {
    const session = await createSession(twoInputBytes, web);
    expect(session.inputNames).toEqual(['features', 'ids']);
    expect(session.inputs.map((i) => [i.type, i.shape])).toEqual([
      ['float32', ['batch', 3]],
      ['int32', ['batch', 2]],
    ]);
    const features = tf.tensor([
      [0.5, -1, 2],
      [1, 0, -0.5],
    ]);
    const ids = tf.tensor(
      [
        [1, 4],
        [0, 3],
      ],
      [2, 2],
      'int32',
    );
    const want = (twoInputs.predict([features, ids]) as tf.Tensor).dataSync();
    const fromTensors = await session.run({ features, ids });
    const fromArrays = await session.run({
      features: { data: Float64Array.from(features.dataSync()), dims: [2, 3] },
      ids: { data: Float32Array.from([1, 4, 0, 3]), dims: [2, 2] },
    });
    expect(maxAbsDiff(fromTensors.output?.data as Float32Array, want)).toBeLessThan(1e-5);
    expect(Array.from(fromArrays.output?.data as Float32Array)).toEqual(
      Array.from(fromTensors.output?.data as Float32Array),
    );
    const single = await createSession(mlpBytes, web);
    const x = { data: Float32Array.from([1, 2, 3, 4]), dims: [1, 4] };
    const wantSingle = tf.tidy(() => (mlp.predict(tf.tensor(x.data, [1, 4])) as tf.Tensor).dataSync());
    const out = await single.run(x);
    expect(out.output?.dims).toEqual([1, 3]);
    expect(maxAbsDiff(out.output?.data as Float32Array, wantSingle)).toBeLessThan(1e-5);
    const t = out.output?.toTensor() as tf.Tensor;
    expect(t.shape).toEqual([1, 3]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(out.output?.data as Float32Array));
    tf.dispose([features, ids, t]);
    await session.dispose();
    await single.dispose();
  });

  it('rejects wrong input names, missing inputs, wrong shapes and non-integer ids with DlfError', async () => {
    const session = await createSession(twoInputBytes, web);
    const features = { data: new Float32Array(6), dims: [2, 3] };
    const ids = { data: new Int32Array(4), dims: [2, 2] };
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        expect(e).toBeInstanceOf(DlfError);
        return `${(e as DlfError).code}: ${(e as DlfError).message}`;
      }
      return 'no error';
    };
    expect(await code(session.run({ features, ids, extra: ids }))).toMatch(
      /INVALID_ARGUMENT: input "extra" is not an input of this model; expected "features", "ids"/,
    );
    expect(await code(session.run({ features }))).toMatch(/INVALID_ARGUMENT: input is missing "ids"/);
    expect(await code(session.run(features))).toMatch(/INVALID_ARGUMENT: .*model with 2 inputs/);
    expect(await code(session.run({ features: { data: new Float32Array(8), dims: [2, 4] }, ids }))).toMatch(
      /INVALID_SHAPE: input "features" must have shape \[batch, 3\], received \[2, 4\]/,
    );
    expect(await code(session.run({ features: { data: new Float32Array(5), dims: [2, 3] }, ids }))).toMatch(
      /INVALID_SHAPE: input "features" has 5 values but dims \[2, 3\] need 6/,
    );
    expect(
      await code(session.run({ features, ids: { data: Float32Array.from([0.5, 1, 2, 3]), dims: [2, 2] } })),
    ).toMatch(/INVALID_ARGUMENT: input "ids" must hold int32 values.*element 0 is 0.5/);
    // An index outside the embedding table is caught by onnxruntime and reported, not a crash.
    expect(
      await code(session.run({ features, ids: { data: Int32Array.from([0, 1, 2, 99]), dims: [2, 2] } })),
    ).toMatch(/INVALID_DATA: onnxruntime \(wasm\) could not run the model/);
    // The session still works afterwards.
    expect((await session.run({ features, ids })).output?.dims).toEqual([2, 2]);
    await session.dispose();
  });

  it('rejects empty, malformed and truncated model bytes with INVALID_DATA', async () => {
    const fail = async (bytes: Uint8Array) => {
      try {
        await createSession(bytes, web);
      } catch (e) {
        return e as DlfError;
      }
      return undefined;
    };
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.from({ length: 100 }, (_, i) => (i * 37) % 256),
      mlpBytes.subarray(0, Math.floor(mlpBytes.length / 2)),
    ]) {
      const error = await fail(bytes);
      expect(error).toBeInstanceOf(DlfError);
      expect(error?.code).toBe('INVALID_DATA');
    }
    // Sessions keep working after failed loads.
    const ok = await createSession(mlpBytes, web);
    await ok.dispose();
  });

  it('loads a model from a path and a file: URL; a missing file is INVALID_ARGUMENT', async () => {
    const path = join(dir, 'mlp.onnx');
    writeFileSync(path, mlpBytes);
    const fromPath = await createSession(path, web);
    const fromUrl = await createSession(pathToFileURL(path), web);
    const x = { data: Float32Array.from([0.1, 0.2, 0.3, 0.4]), dims: [1, 4] };
    expect((await fromPath.run(x)).output?.data).toEqual((await fromUrl.run(x)).output?.data);
    await expect(createSession(join(dir, 'missing.onnx'), web)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/missing\.onnx could not be read/),
    });
    await expect(createSession(42 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await fromPath.dispose();
    await fromUrl.dispose();
  });

  it('falls back through executionProviders and reports the provider it got', async () => {
    const session = await createSession(mlpBytes, {
      ...web,
      executionProviders: ['no-such-provider', 'wasm'],
    });
    expect(session.provider).toBe('wasm');
    expect(session.fallbacks.join('\n')).toMatch(/^no-such-provider: /);
    await session.dispose();
    await expect(
      createSession(mlpBytes, { ...web, executionProviders: ['no-such-provider'] }),
    ).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
    await expect(createSession(mlpBytes, { executionProviders: [] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(createSession(mlpBytes, { runtime: 'tfjs' as 'auto' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it("picks onnxruntime-node in Node when it is installed, onnxruntime-web's wasm otherwise", async () => {
    let nodeInstalled = true;
    try {
      createRequire(import.meta.url).resolve('onnxruntime-node');
    } catch {
      nodeInstalled = false;
    }
    const session = await createSession(mlpBytes);
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 9);
    const want = (mlp.predict(x) as tf.Tensor).dataSync();
    expect(maxAbsDiff((await session.run(x)).output?.data as Float32Array, want)).toBeLessThan(1e-5);
    if (nodeInstalled) {
      expect([session.runtime, session.provider]).toEqual(['onnxruntime-node', 'cpu']);
    } else {
      expect([session.runtime, session.provider]).toEqual(['onnxruntime-web', 'wasm']);
      expect(session.fallbacks[0]).toMatch(/^onnxruntime-node: /);
      await expect(createSession(mlpBytes, { runtime: 'onnxruntime-node' })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
      });
    }
    x.dispose();
    await session.dispose();
  });

  it('wasm settings are fixed after initialisation: a conflicting wasmPaths is refused', async () => {
    await expect(createSession(mlpBytes, { ...web, wasmPaths: '/somewhere/else/' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'wasmPaths',
    });
  });

  it('is disposable: run after dispose throws, dispose is idempotent', async () => {
    const session = await createSession(mlpBytes, web);
    await session.dispose();
    await session.dispose();
    expect(session.disposed).toBe(true);
    await expect(session.run({ data: new Float32Array(4), dims: [1, 4] })).rejects.toThrow(
      /after session.dispose/,
    );
  });

  it('run leaves no tensors behind (tf.Tensor in, plain arrays out)', async () => {
    const session = await createSession(mlpBytes, web);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 4);
    await expectNoLeaks(() => session.run(x));
    await expectNoLeaks(async () => {
      const out = await session.run(x);
      return out.output?.toTensor(); // returned tensors are disposed by expectNoLeaks
    });
    x.dispose();
    await session.dispose();
  });
});
