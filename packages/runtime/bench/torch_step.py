"""PyTorch reference for bench/trainStep.bench.ts: one Adam training step of an MLP 784-128-10
(ReLU, softmax cross-entropy, batch 128) on the CPU, the same model and step as the tfjs side.

Prints one JSON line: {"msPerStep", "threads", "torch", "steps"}. Usage:
    python3 bench/torch_step.py [--steps 200] [--warmup 20] [--threads N] [--repeats 5]
The reported time is the median over `repeats` timed runs of `steps` steps each.
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="0: torch's default")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()  # read the loss back, as the tfjs side does

    for _ in range(args.warmup):
        step()
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        runs.append((time.perf_counter() - start) * 1000 / args.steps)
    print(
        json.dumps(
            {
                "msPerStep": statistics.median(runs),
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "steps": args.steps,
            }
        )
    )


if __name__ == "__main__":
    main()
