import { describe, expect, it } from 'vitest';
import refs from '../../data/classicControlRefs.json';
import { angleNormalize, Pendulum } from './Pendulum.js';

describe('Pendulum', () => {
  it('from upright rest, a torque of 2 gives theta_dot = 3 u dt = 0.3 and reward -0.001 u^2', () => {
    const env = new Pendulum();
    env.reset({ seed: 0 });
    env.state = Float64Array.of(0, 0);
    const r = env.step([2]);
    expect(env.state[1]).toBeCloseTo(0.3, 15);
    expect(env.state[0]).toBeCloseTo(0.3 * 0.05, 15);
    expect(r.reward).toBeCloseTo(-0.004, 15);
    // Torques are clipped to [-2, 2]: 5 acts like 2.
    env.state = Float64Array.of(0, 0);
    env.step(5);
    expect(env.state[1]).toBeCloseTo(0.3, 15);
    expect(r.observation[0]).toBeCloseTo(Math.cos(0.015), 6);
  });

  it('reproduces the reference trajectories of scripts/make-refs.py step for step', () => {
    for (const traj of refs['Pendulum-v1']) {
      const env = new Pendulum();
      env.reset({ seed: 0 });
      env.state = Float64Array.from(traj.initialState);
      traj.actions.forEach((action, k) => {
        const r = env.step([action]);
        const want = traj.states[k]!;
        for (let i = 0; i < 2; i++) expect(Math.abs(env.state[i]! - want[i]!)).toBeLessThan(1e-9);
        expect(Math.abs(r.reward - traj.rewards[k]!)).toBeLessThan(1e-9);
        expect(r.terminated).toBe(false);
      });
      expect(traj.actions.length).toBe(200);
    }
  });

  it('wraps angles to [-pi, pi) and truncates after 200 steps', () => {
    expect(angleNormalize(3 * Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(angleNormalize(-0.5)).toBeCloseTo(-0.5, 15);
    const env = new Pendulum();
    env.reset({ seed: 4 });
    let n = 0;
    let r = env.step(0);
    n++;
    while (!r.truncated) {
      r = env.step(0);
      n++;
    }
    expect(n).toBe(200);
    expect(() => env.step(0)).toThrow(/after the episode ended/);
    env.reset();
    expect(() => env.step([Number.NaN])).toThrow(/action must lie in the action space/);
  });
});
