import { describe, expect, it } from 'vitest';
import refs from '../../data/classicControlRefs.json';
import { CartPole } from './CartPole.js';

describe('CartPole', () => {
  it('takes the hand-computed Euler step from rest: x_dot = 8/41, theta_dot = -12/41 after pushing right', () => {
    // From the equations: temp = F / (m_c + m_p) = 100/11; denominator l (4/3 - m_p / (m_c + m_p)) = 41/66;
    // theta_acc = -temp / (41/66) = -600/41; x_acc = temp - m_p l theta_acc / (m_c + m_p) = 400/41.
    const env = new CartPole();
    env.reset({ seed: 0 });
    env.state = new Float64Array(4);
    const r = env.step(1);
    expect(env.state[0]).toBe(0);
    expect(env.state[1]).toBeCloseTo((0.02 * 400) / 41, 15);
    expect(env.state[2]).toBe(0);
    expect(env.state[3]).toBeCloseTo((-0.02 * 600) / 41, 15);
    expect(r).toMatchObject({ reward: 1, terminated: false, truncated: false });
    // The second step moves x and theta by tau times the first step's velocities (explicit Euler).
    env.step(0);
    expect(env.state[0]).toBeCloseTo((0.02 * 0.02 * 400) / 41, 15);
    expect(env.state[2]).toBeCloseTo((-0.02 * 0.02 * 600) / 41, 15);
  });

  it('reproduces the reference trajectories of scripts/make-refs.py step for step', () => {
    for (const traj of refs['CartPole-v1']) {
      const env = new CartPole();
      env.reset({ seed: 0 });
      env.state = Float64Array.from(traj.initialState);
      traj.actions.forEach((action, k) => {
        const r = env.step(action);
        const want = traj.states[k]!;
        for (let i = 0; i < 4; i++) expect(Math.abs(env.state[i]! - want[i]!)).toBeLessThan(1e-12);
        for (let i = 0; i < 4; i++) expect(r.observation[i]).toBe(Math.fround(want[i]!));
        expect(r.reward).toBe(traj.rewards[k]);
        expect(r.terminated).toBe(traj.terminated[k]);
      });
      expect(traj.terminated.at(-1)).toBe(true);
    }
  });

  it('starts uniformly in [-0.05, 0.05]^4, is seeded, truncates at 500 and refuses steps after the end', () => {
    const env = new CartPole();
    const a = env.reset({ seed: 3 }).observation;
    const b = new CartPole().reset({ seed: 3 }).observation;
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    // A balancing controller (PD on the angle) keeps the pole up until the time limit.
    let steps = 0;
    let last = env.step(0);
    steps++;
    while (!last.terminated && !last.truncated) {
      const [, , th, thDot] = env.state;
      last = env.step(th! + 0.5 * thDot! > 0 ? 1 : 0);
      steps++;
    }
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(steps).toBe(500);
    expect(() => env.step(0)).toThrow(/after the episode ended/);
    expect(() => new CartPole().step(0)).toThrow(/before reset/);
    env.reset();
    expect(() => env.step(2)).toThrow(
      /action must lie in the action space \(integers in \[0, 1\]\), received 2/,
    );
  });
});
