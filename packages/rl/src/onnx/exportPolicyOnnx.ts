import { DlfError, describeValue } from '@dlf/runtime';
import { type ExportOnnxOptions, exportOnnx } from '@dlf/runtime/onnx';
import type * as tf from '@tensorflow/tfjs';

/** Name of the ONNX graph input of an exported policy: observations [batch, obsSize]. */
export const POLICY_INPUT = 'observation';
/** Output name of a discrete-action policy (DQN): Q values [batch, numActions]; the action is their argmax. */
export const Q_VALUES_OUTPUT = 'q_values';
/** Output name of a deterministic continuous policy (DDPG's actor, NAF's mu): actions [batch, actionSize]. */
export const ACTION_OUTPUT = 'action';

/** A deep learner's result whose policy can be exported: `dqn`'s, `naf`'s or `ddpg`'s. */
export type ExportablePolicy =
  | { policyModel: tf.LayersModel }
  | { model: tf.LayersModel; qValues: (observation: ArrayLike<number>) => Float32Array };

export type ExportPolicyOnnxOptions = Pick<ExportOnnxOptions, 'opset'>;

/**
 * Exports the network behind a deep learner's `policy` to ONNX through `@dlf/runtime/onnx`'s
 * `exportOnnx`: for `dqn` the Q network (output `q_values`, the greedy action is its argmax), for
 * `ddpg` the actor and for `naf` the mu network (output `action`, already inside the action
 * bounds). The graph input is `observation` [batch, obsSize]. Run it with `createOnnxPolicy` or
 * any ONNX runtime.
 *
 * @param agent The result of `dqn`, `naf` or `ddpg` (not yet disposed).
 * @param options `opset` (13-21, default 17).
 * @returns The `.onnx` file's bytes.
 * @example
 * ```ts
 * const agent = await ddpg(new Pendulum(), { totalSteps: 20_000, seed: 0 });
 * const bytes = exportPolicyOnnx(agent); // write it to policy.onnx, or:
 * const onnxPolicy = await createOnnxPolicy(bytes);
 * ```
 */
export function exportPolicyOnnx(agent: ExportablePolicy, options: ExportPolicyOnnxOptions = {}): Uint8Array {
  const named = { ...options, inputName: POLICY_INPUT };
  if (agent !== null && typeof agent === 'object' && 'policyModel' in agent && agent.policyModel) {
    return exportOnnx(agent.policyModel, { ...named, outputName: ACTION_OUTPUT });
  }
  if (agent !== null && typeof agent === 'object' && 'qValues' in agent && 'model' in agent && agent.model) {
    return exportOnnx(agent.model, { ...named, outputName: Q_VALUES_OUTPUT });
  }
  throw new DlfError(
    'INVALID_ARGUMENT',
    `agent must be the result of dqn, naf or ddpg (with a policyModel, or a Q network model), received ${describeValue(agent)}`,
    { param: 'agent' },
  );
}
