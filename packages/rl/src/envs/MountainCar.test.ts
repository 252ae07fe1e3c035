import { describe, expect, it } from 'vitest';
import refs from '../../data/classicControlRefs.json';
import { MountainCar } from './MountainCar.js';

describe('MountainCar', () => {
  it('updates velocity by (a - 1) 0.001 - 0.0025 cos(3x) and position by the new velocity', () => {
    const env = new MountainCar();
    env.reset({ seed: 0 });
    env.state = Float64Array.of(-0.5, 0);
    env.step(2);
    const v = 0.001 - 0.0025 * Math.cos(-1.5);
    expect(env.state[1]).toBe(v);
    expect(env.state[0]).toBe(-0.5 + v);
    // The inelastic left wall: position clipped to -1.2 and the velocity zeroed.
    env.state = Float64Array.of(-1.19, -0.05);
    env.step(0);
    expect(Array.from(env.state)).toEqual([-1.2, 0]);
  });

  it('reproduces the reference trajectories of scripts/make-refs.py step for step', () => {
    for (const traj of refs['MountainCar-v0']) {
      const env = new MountainCar();
      env.reset({ seed: 0 });
      env.state = Float64Array.from(traj.initialState);
      traj.actions.forEach((action, k) => {
        const r = env.step(action);
        const want = traj.states[k]!;
        for (let i = 0; i < 2; i++) expect(Math.abs(env.state[i]! - want[i]!)).toBeLessThan(1e-12);
        expect(r.reward).toBe(-1);
        expect(r.terminated).toBe(traj.terminated[k]);
      });
    }
  });

  it('starts at x in [-0.6, -0.4] with v = 0 and truncates after 200 steps', () => {
    const env = new MountainCar();
    const { observation } = env.reset({ seed: 1 });
    expect(observation[0]).toBeGreaterThanOrEqual(-0.6);
    expect(observation[0]).toBeLessThanOrEqual(-0.4);
    expect(observation[1]).toBe(0);
    let r = env.step(1);
    let n = 1;
    while (!r.truncated && !r.terminated) {
      r = env.step(1);
      n++;
    }
    expect(n).toBe(200);
    expect(r.truncated).toBe(true);
  });
});
