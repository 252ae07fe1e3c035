"""Reference trajectories for the classic-control environments of @dlf/rl.

gymnasium cannot be installed here, so this script re-derives each environment's step from the
published equations (gymnasium's documentation and its cited sources: Florian 2007 for CartPole,
Moore 1990 for MountainCar, Sutton and Barto's book for Acrobot with one RK4 step, and the
Pendulum-v1 equations) in numpy float64, and records states, rewards and termination flags.

Run from packages/rl:  python3 scripts/make-refs.py   (writes data/classicControlRefs.json)
"""

import json
import math

import numpy as np


def cartpole_step(state, action):
    g, mc, mp, half, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total = mc + mp
    x, x_dot, th, th_dot = state
    f = force_mag if action == 1 else -force_mag
    c, s = math.cos(th), math.sin(th)
    temp = (f + mp * half * th_dot**2 * s) / total
    th_acc = (g * s - c * temp) / (half * (4.0 / 3.0 - mp * c**2 / total))
    x_acc = temp - mp * half * th_acc * c / total
    nxt = [x + tau * x_dot, x_dot + tau * x_acc, th + tau * th_dot, th_dot + tau * th_acc]
    limit = 12 * 2 * math.pi / 360
    terminated = nxt[0] < -2.4 or nxt[0] > 2.4 or nxt[2] < -limit or nxt[2] > limit
    return nxt, 1.0, terminated


def mountain_car_step(state, action):
    pos, vel = state
    vel = vel + (action - 1) * 0.001 + math.cos(3 * pos) * (-0.0025)
    vel = min(max(vel, -0.07), 0.07)
    pos = pos + vel
    pos = min(max(pos, -1.2), 0.6)
    if pos == -1.2 and vel < 0:
        vel = 0.0
    return [pos, vel], -1.0, bool(pos >= 0.5 and vel >= 0)


def acrobot_dsdt(s, a):
    m1 = m2 = l1 = 1.0
    lc1 = lc2 = 0.5
    i1 = i2 = 1.0
    g = 9.8
    t1, t2, d1_, d2_ = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * math.cos(t2)) + i1 + i2
    d2 = m2 * (lc2**2 + l1 * lc2 * math.cos(t2)) + i2
    phi2 = m2 * lc2 * g * math.cos(t1 + t2 - math.pi / 2.0)
    phi1 = (
        -m2 * l1 * lc2 * d2_**2 * math.sin(t2)
        - 2 * m2 * l1 * lc2 * d2_ * d1_ * math.sin(t2)
        + (m1 * lc1 + m2 * l1) * g * math.cos(t1 - math.pi / 2)
        + phi2
    )
    dd2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * d1_**2 * math.sin(t2) - phi2) / (m2 * lc2**2 + i2 - d2**2 / d1)
    dd1 = -(d2 * dd2 + phi1) / d1
    return np.array([d1_, d2_, dd1, dd2])


def acrobot_step(state, action):
    torque = [-1.0, 0.0, 1.0][action]
    y0 = np.array(state, dtype=np.float64)
    dt = 0.2
    k1 = acrobot_dsdt(y0, torque)
    k2 = acrobot_dsdt(y0 + dt / 2 * k1, torque)
    k3 = acrobot_dsdt(y0 + dt / 2 * k2, torque)
    k4 = acrobot_dsdt(y0 + dt * k3, torque)
    ns = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)

    def wrap(x, lo, hi):
        while x > hi:
            x -= hi - lo
        while x < lo:
            x += hi - lo
        return x

    ns[0] = wrap(ns[0], -math.pi, math.pi)
    ns[1] = wrap(ns[1], -math.pi, math.pi)
    ns[2] = min(max(ns[2], -4 * math.pi), 4 * math.pi)
    ns[3] = min(max(ns[3], -9 * math.pi), 9 * math.pi)
    terminated = bool(-math.cos(ns[0]) - math.cos(ns[1] + ns[0]) > 1.0)
    return [float(v) for v in ns], (0.0 if terminated else -1.0), terminated


def pendulum_step(state, u):
    th, th_dot = state
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05
    u = min(max(u, -2.0), 2.0)
    ang = ((th + math.pi) % (2 * math.pi)) - math.pi
    cost = ang**2 + 0.1 * th_dot**2 + 0.001 * u**2
    new_th_dot = th_dot + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l**2) * u) * dt
    new_th_dot = min(max(new_th_dot, -8.0), 8.0)
    return [th + new_th_dot * dt, new_th_dot], -cost, False


def rollout(step, state, actions):
    states, rewards, terminated = [list(state)], [], []
    for a in actions:
        state, r, t = step(state, a)
        states.append(list(state))
        rewards.append(r)
        terminated.append(bool(t))
        if t:
            break
    return {"initialState": states[0], "actions": actions[: len(rewards)], "states": states[1:],
            "rewards": rewards, "terminated": terminated}


def rollout_feedback(step, state, policy, steps):
    """Like rollout, but each action comes from policy(state); the actions are recorded."""
    actions, cur = [], list(state)
    for _ in range(steps):
        a = policy(cur)
        actions.append(a)
        cur, _, t = step(cur, a)
        if t:
            break
    return rollout(step, state, actions)


def main():
    rng = np.random.default_rng(20240601)
    refs = {}
    refs["CartPole-v1"] = [
        rollout(cartpole_step, [0.01, -0.02, 0.03, 0.04], [int(a) for a in rng.integers(0, 2, 200)]),
        rollout(cartpole_step, [0.0, 0.5, 0.15, 1.0], [1] * 50),
        rollout(cartpole_step, [2.3, 1.5, 0.0, 0.0], [1] * 50),
    ]
    refs["MountainCar-v0"] = [
        rollout(mountain_car_step, [-0.5, 0.0], [int(a) for a in rng.integers(0, 3, 200)]),
        rollout(mountain_car_step, [-1.15, -0.06], [0] * 20),
        rollout(mountain_car_step, [0.45, 0.06], [2] * 20),
    ]
    a0 = [float(np.float32(v)) for v in rng.uniform(-0.1, 0.1, 4)]
    refs["Acrobot-v1"] = [
        rollout(acrobot_step, a0, [int(a) for a in rng.integers(0, 3, 300)]),
        # Pumping energy (torque along the second joint's velocity) swings the tip above the bar.
        rollout_feedback(acrobot_step, [0.0, 0.0, 0.0, 0.0], lambda s: 2 if s[3] >= 0 else 0, 500),
    ]
    refs["Pendulum-v1"] = [
        rollout(pendulum_step, [float(rng.uniform(-math.pi, math.pi)), float(rng.uniform(-1, 1))],
                [float(u) for u in rng.uniform(-3, 3, 200)]),
        rollout(pendulum_step, [math.pi - 0.1, 0.0], [2.0] * 200),
    ]
    with open("data/classicControlRefs.json", "w") as f:
        json.dump(refs, f)
    for k, v in refs.items():
        print(k, [len(t["rewards"]) for t in v], [any(t["terminated"]) for t in v])


if __name__ == "__main__":
    main()
