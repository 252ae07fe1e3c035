import { describe, expect, it } from 'vitest';
import refs from '../../data/classicControlRefs.json';
import { Acrobot } from './Acrobot.js';

describe('Acrobot', () => {
  it('hanging at rest with no torque is an equilibrium', () => {
    const env = new Acrobot();
    env.reset({ seed: 0 });
    env.state = new Float64Array(4);
    const r = env.step(1);
    for (const v of env.state) expect(Math.abs(v)).toBeLessThan(1e-15);
    expect(r.reward).toBe(-1);
    // Not exactly 0: cos(theta1 - pi/2) in the equations is 6e-17 at theta1 = 0, as in gymnasium.
    for (const [i, v] of [1, 0, 1, 0, 0, 0].entries())
      expect(Math.abs(r.observation[i]! - v)).toBeLessThan(1e-15);
  });

  it('reproduces the reference RK4 trajectories of scripts/make-refs.py, one step at a time and free-running', () => {
    for (const traj of refs['Acrobot-v1']) {
      const env = new Acrobot();
      env.reset({ seed: 0 });
      // One step from each reference state: isolates the integrator from the chaos of the dynamics.
      traj.actions.forEach((action, k) => {
        env.state = Float64Array.from(k === 0 ? traj.initialState : traj.states[k - 1]!);
        const r = env.step(action);
        const want = traj.states[k]!;
        for (let i = 0; i < 4; i++) expect(Math.abs(env.state[i]! - want[i]!)).toBeLessThan(1e-11);
        expect(r.terminated).toBe(traj.terminated[k]);
        expect(r.reward).toBe(traj.rewards[k]);
        if (r.terminated) env.reset();
      });
    }
    // Free-running the terminating trajectory (73 steps) stays on it.
    const traj = refs['Acrobot-v1'][1]!;
    const env = new Acrobot();
    env.reset({ seed: 0 });
    env.state = Float64Array.from(traj.initialState);
    let last = { terminated: false };
    traj.actions.forEach((action, k) => {
      last = env.step(action);
      for (let i = 0; i < 4; i++) expect(Math.abs(env.state[i]! - traj.states[k]![i]!)).toBeLessThan(1e-8);
    });
    expect(last.terminated).toBe(true);
  });

  it('starts in [-0.1, 0.1]^4 rounded to float32', () => {
    const env = new Acrobot();
    env.reset({ seed: 9 });
    for (const v of env.state) {
      expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
      expect(Math.fround(v)).toBe(v);
    }
  });
});
