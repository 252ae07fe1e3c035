import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { encodeIdx } from './encodeIdx.js';
import { parseIdx } from './parseIdx.js';

/** An IDX file written byte by byte from the format description (independent of encodeIdx). */
function handMade(): Uint8Array {
  // magic 0x00000803: uint8, 3 dims; dims 2 x 2 x 3 big-endian; 12 values.
  return new Uint8Array([
    0,
    0,
    8,
    3,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    3,
    ...Array.from({ length: 12 }, (_, i) => i * 20),
  ]);
}

function expectInvalid(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    parseIdx(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DlfError);
  expect((error as DlfError).code).toBe('INVALID_DATA');
  expect((error as DlfError).message).toMatch(message);
}

describe('parseIdx', () => {
  it('reads a hand-made file: magic 2051, big-endian dims, row-major values', () => {
    const file = parseIdx(handMade());
    expect(file.magic).toBe(2051);
    expect(file.dtype).toBe('uint8');
    expect(file.dims).toEqual([2, 2, 3]);
    expect(Array.from(file.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
  });

  it('reads big-endian multi-byte values (int32 written by hand)', () => {
    // magic 0x00000c01 (int32, 1 dim), dim 2, values -2 and 0x01020304.
    const bytes = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4]);
    const file = parseIdx(bytes);
    expect(file.magic).toBe(0x0c01);
    expect(Array.from(file.data)).toEqual([-2, 0x01020304]);
  });

  it('round-trips every element type through encodeIdx', () => {
    const cases = [
      new Uint8Array([0, 1, 127, 255, 3, 4]),
      new Int8Array([-128, -1, 0, 1, 127, 5]),
      new Int16Array([-32768, -2, 0, 300, 32767, 6]),
      new Int32Array([-2147483648, -70000, 0, 70000, 2147483647, 7]),
      new Float32Array([-1.5, 0, 3.25, 1e-30, -7e20, Math.fround(Math.PI)]),
      new Float64Array([-1.5, 0, Math.PI, 1e-300, -7e200, Math.E]),
    ];
    for (const data of cases) {
      const file = parseIdx(encodeIdx({ dims: [2, 3], data }));
      expect(file.dims).toEqual([2, 3]);
      expect(file.data).toBeInstanceOf(data.constructor);
      expect(file.data).toEqual(data);
    }
    expect(encodeIdx({ dims: [2, 2, 3], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) })).toEqual(
      handMade(),
    );
  });

  it('reads a Uint8Array view at a non-zero offset of a larger buffer (as Node Buffers are)', () => {
    const file = handMade();
    const big = new Uint8Array(file.length + 7);
    big.set(file, 5);
    const view = big.subarray(5, 5 + file.length);
    expect(Array.from(parseIdx(view).data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    const int16 = encodeIdx({ dims: [2], data: new Int16Array([-3, 1000]) });
    const big2 = new Uint8Array(int16.length + 1);
    big2.set(int16, 1);
    expect(Array.from(parseIdx(big2.subarray(1)).data)).toEqual([-3, 1000]);
  });

  it('names what is wrong in each malformed file (INVALID_DATA)', () => {
    const good = handMade();
    expectInvalid(new Uint8Array([0, 0, 8]), /3 byte\(s\) long, shorter than the 4-byte magic number/);
    expectInvalid(new Uint8Array([0x1f, 0x8b, 8, 0, 0]), /gzip signature.*decompress it first/);
    expectInvalid(
      Uint8Array.from([1, ...good.subarray(1)]),
      /magic number 16779267 \(0x01000803\) must start with two zero bytes/,
    );
    expectInvalid(Uint8Array.from([0, 0, 0x07, 3, ...good.subarray(4)]), /unknown type byte 0x07/);
    expectInvalid(new Uint8Array([0, 0, 8, 0]), /declares 0 dimensions/);
    expectInvalid(
      good.subarray(0, 10),
      /header declares 3 dimension\(s\) \(16 bytes\) but the file has only 10 bytes/,
    );
    expectInvalid(
      good.subarray(0, good.length - 1),
      /need 16 \+ 12 = 28 bytes, but the file has 27 \(truncated\)/,
    );
    expectInvalid(
      Uint8Array.from([...good, 0]),
      /need 16 \+ 12 = 28 bytes, but the file has 29 \(trailing bytes\)/,
    );
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow(
      /bytes must be a Uint8Array, received array of length 4/,
    );
  });

  it('encodeIdx rejects inconsistent input with INVALID_ARGUMENT', () => {
    expect(() => encodeIdx({ dims: [2, 2], data: new Uint8Array(3) })).toThrow(
      /hold 4 values but data has 3/,
    );
    expect(() => encodeIdx({ dims: [], data: new Uint8Array(0) })).toThrow(
      /dims must be an array of 1 to 255 sizes/,
    );
    expect(() => encodeIdx({ dims: [1.5], data: new Uint8Array(1) })).toThrow(/non-negative 32-bit integers/);
    expect(() => encodeIdx({ dims: [1], data: [1] as never })).toThrow(DlfError);
  });
});
