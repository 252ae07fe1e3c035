import { DlfError, type ParamModel } from '@dlf/runtime';

/**
 * @internal Checks that `model` is a flat-parameter model (`apply`, `init`, an integer `numParams`),
 * throwing `DlfError('INVALID_ARGUMENT')` that names `param` otherwise.
 */
export function assertParamModel(param: string, model: unknown): asserts model is ParamModel {
  const m = model as ParamModel | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.apply !== 'function' ||
    typeof m.init !== 'function' ||
    !Number.isInteger(m.numParams)
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a ParamModel (e.g. mlp({ sizes })), received ${typeof model}`,
      {
        param,
      },
    );
  }
}
