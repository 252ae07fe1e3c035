import { describe, expect, it } from 'vitest';
import { certifiedAccuracy } from './certifiedAccuracy.js';

describe('certifiedAccuracy', () => {
  it('counts correct, non-abstaining certificates with radius >= r', () => {
    const certs = [
      { class: 1, radius: 0.5 },
      { class: 0, radius: 1.2 },
      { class: -1, radius: 0 },
      { class: 2, radius: 0.1 },
    ];
    // Labels: the second is wrong (0 vs 1), the third abstains.
    const { accuracy } = certifiedAccuracy(certs, [1, 1, 2, 2], [0, 0.1, 0.3, 0.5, 1]);
    expect(accuracy).toEqual([0.5, 0.5, 0.25, 0.25, 0]);
    expect(() => certifiedAccuracy([], [], [0])).toThrow(/non-empty/);
    expect(() => certifiedAccuracy(certs, [1, 1, 2, 2], [-1])).toThrow(/radii\[0\] must be >= 0/);
  });
});
