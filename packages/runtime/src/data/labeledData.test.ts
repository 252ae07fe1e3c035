import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { assertLabeledData, classSizes, linspace } from './labeledData.js';

const good = () => ({
  x: new Float32Array([0, 1, 2, 3, 4, 5]),
  y: new Int32Array([0, 2, 1]),
  n: 3,
  shape: [2],
  numClasses: 3,
});

function expectInvalid(data: unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    assertLabeledData('train', data);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DlfError);
  expect((error as DlfError).code).toBe(code);
  expect((error as DlfError).param).toBe('train');
  expect((error as DlfError).message).toMatch(message);
}

describe('assertLabeledData', () => {
  it('accepts consistent data, including real targets and empty sets', () => {
    expect(() => assertLabeledData('train', good())).not.toThrow();
    const reg = { x: new Float32Array(2), y: new Float32Array([0.5, -1]), n: 2, shape: [1] };
    expect(() => assertLabeledData('train', reg)).not.toThrow();
    expect(() =>
      assertLabeledData('train', { x: new Float32Array(0), y: new Int32Array(0), n: 0, shape: [3] }),
    ).not.toThrow();
  });

  it('names each inconsistency', () => {
    expectInvalid(null, 'INVALID_ARGUMENT', /train must be a LabeledData object, received null/);
    expectInvalid(
      { ...good(), x: [0, 1] },
      'INVALID_DATA',
      /train: x must be a Float32Array, received array of length 2/,
    );
    expectInvalid(
      { ...good(), y: new Uint8Array(3) },
      'INVALID_DATA',
      /y must be an Int32Array or Float32Array, received Uint8Array/,
    );
    expectInvalid({ ...good(), n: -1 }, 'INVALID_DATA', /n must be a non-negative integer, received -1/);
    expectInvalid(
      { ...good(), shape: [2, 0] },
      'INVALID_DATA',
      /shape must be an array of positive integers, received \[2,0\]/,
    );
    expectInvalid(
      { ...good(), shape: [3] },
      'INVALID_DATA',
      /x has length 6, expected n \* prod\(shape\) = 3 \* 3 = 9/,
    );
    expectInvalid({ ...good(), y: new Int32Array(2) }, 'INVALID_DATA', /y has length 2, expected n = 3/);
    const nonFinite = good();
    nonFinite.x[4] = Number.NaN;
    expectInvalid(nonFinite, 'INVALID_DATA', /x contains a non-finite value \(NaN\) at index 4/);
    expectInvalid(
      { ...good(), y: new Float32Array([0, Number.POSITIVE_INFINITY, 1]), numClasses: undefined },
      'INVALID_DATA',
      /y contains a non-finite value \(Infinity\) at index 1/,
    );
    expectInvalid(
      { ...good(), numClasses: 2 },
      'INVALID_DATA',
      /y\[1\] = 2 is outside 0..1 \(numClasses = 2\)/,
    );
    expectInvalid(
      { ...good(), numClasses: 0 },
      'INVALID_DATA',
      /numClasses must be a positive integer, received 0/,
    );
    expectInvalid(
      { ...good(), y: new Float32Array(3) },
      'INVALID_DATA',
      /numClasses is set, so y must be an Int32Array/,
    );
  });
});

describe('classSizes and linspace', () => {
  it('split n as evenly as possible and space points like numpy', () => {
    expect(classSizes(10, 3)).toEqual([4, 3, 3]);
    expect(classSizes(2, 3)).toEqual([1, 1, 0]);
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 1, 4, false)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(linspace(2, 3, 1)).toEqual([2]);
  });
});
