import { DlfError } from '@dlf/runtime';
import { type CreateSessionOptions, createSession, type OnnxSession } from '@dlf/runtime/onnx';
import { ACTION_OUTPUT, POLICY_INPUT, Q_VALUES_OUTPUT } from './exportPolicyOnnx.js';

/** A policy exported by `exportPolicyOnnx`, running on onnxruntime. */
export interface OnnxPolicy {
  /** 'discrete' for a Q network (actions are argmax indices), 'continuous' for an actor. */
  readonly actionType: 'discrete' | 'continuous';
  readonly session: OnnxSession;
  /**
   * Greedy actions of a batch of observations: action indices (discrete) or action vectors
   * (continuous), one per observation.
   */
  act(observations: readonly ArrayLike<number>[]): Promise<number[] | Float32Array[]>;
  dispose(): Promise<void>;
}

/**
 * Loads a policy exported by `exportPolicyOnnx` into an onnxruntime session (`createSession` of
 * `@dlf/runtime/onnx`: onnxruntime-node or -web in Node, onnxruntime-web in browsers) and returns
 * its greedy actions: the argmax of the Q values (first index on ties, as the tfjs policy) for a
 * DQN export, the network's output for an actor.
 *
 * @param bytes The `.onnx` file from `exportPolicyOnnx`.
 * @param options Passed to `createSession` (`runtime`, `executionProviders`, `wasmPaths`, `numThreads`).
 * @example
 * ```ts
 * const onnxPolicy = await createOnnxPolicy(exportPolicyOnnx(agent));
 * const actions = await onnxPolicy.act([obs1, obs2]);
 * await onnxPolicy.dispose();
 * ```
 */
export async function createOnnxPolicy(
  bytes: Uint8Array,
  options: CreateSessionOptions = {},
): Promise<OnnxPolicy> {
  const session = await createSession(bytes, options);
  const output = session.outputNames[0];
  if (
    session.inputNames.length !== 1 ||
    session.inputNames[0] !== POLICY_INPUT ||
    session.outputNames.length !== 1 ||
    (output !== Q_VALUES_OUTPUT && output !== ACTION_OUTPUT)
  ) {
    await session.dispose();
    throw new DlfError(
      'INVALID_DATA',
      `bytes must be a policy exported by exportPolicyOnnx (input '${POLICY_INPUT}', output '${Q_VALUES_OUTPUT}' or '${ACTION_OUTPUT}'), received inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      { param: 'bytes' },
    );
  }
  const actionType = output === Q_VALUES_OUTPUT ? 'discrete' : 'continuous';
  const act = async (observations: readonly ArrayLike<number>[]): Promise<number[] | Float32Array[]> => {
    const n = observations.length;
    if (n === 0) return [];
    const d = observations[0]?.length ?? 0;
    const data = new Float32Array(n * d);
    observations.forEach((o, i) => {
      if (o.length !== d) {
        throw new DlfError(
          'INVALID_SHAPE',
          `observations must all have length ${d}, received length ${o.length} at index ${i}`,
          { param: 'observations' },
        );
      }
      data.set(Array.from(o), i * d);
    });
    const result = (await session.run({ [POLICY_INPUT]: { data, dims: [n, d] } }))[output] as {
      data: Float32Array;
      dims: readonly number[];
    };
    const k = result.dims[1] as number;
    if (actionType === 'continuous') {
      return Array.from({ length: n }, (_, i) => Float32Array.from(result.data.subarray(i * k, i * k + k)));
    }
    return Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let a = 1; a < k; a++)
        if ((result.data[i * k + a] as number) > (result.data[i * k + best] as number)) best = a;
      return best;
    });
  };
  return { actionType, session, act, dispose: () => session.dispose() };
}
