"""Time per training epoch, digitnet against PyTorch, on the same network and data.

Both train the same network (ReLU, softmax cross-entropy, Adam, float32) on the same 60,000
MNIST training images, with the same batch size and number of threads, in the same run,
taking turns epoch by epoch. PyTorch is optional: `pip install torch==2.13.0` (a CPU build).

    python benchmarks/train_speed.py [--hidden 16,16] [--epochs 3] [--batch-size 64] [--threads 1]
    python benchmarks/train_speed.py --hidden 600,600 --batch-size 128
    python benchmarks/train_speed.py --blas-threads [--hidden 600,600]

--blas-threads times digitnet's epochs with 1 BLAS thread and with one per core, in turn
in one process (threadpoolctl switches them): the figures behind digitnet.training.threads.

Targets: the lesson's 784-16-16-10 no slower than 1.5x PyTorch's epoch (there Python's
per-batch overhead dominates); the large 784-600-600-10 no slower than 1.0x (there it is
all matrix products and the optimiser's arithmetic).
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", default="16,16", help="hidden layer sizes")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--blas-threads", action="store_true", help="1 BLAS thread against one per core"
    )
    args = parser.parse_args()
    if args.blas_threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(os.cpu_count() or 1)  # the pool's size; switched per epoch
        return compare_threads(args)
    # Thread counts must be fixed before NumPy (OpenBLAS) and PyTorch start.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    import numpy as np

    from digitnet.data import mnist
    from digitnet.training.train import TrainConfig, train

    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x = mnist.as_inputs(images)
    hidden = [int(h) for h in args.hidden.split(",")]
    sizes = [784, *hidden, 10]
    config = TrainConfig(hidden=hidden, batch_size=args.batch_size, epochs=1, seed=1)

    def digitnet_epoch() -> float:
        start = time.perf_counter()
        train(config, x, labels)
        return time.perf_counter() - start

    jobs = {"digitnet (NumPy)": digitnet_epoch}
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: pip install torch==2.13.0", file=sys.stderr)
    if torch is not None:
        torch.set_num_threads(args.threads)
        tx, ty = torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))

        def torch_epoch() -> float:
            start = time.perf_counter()
            torch.manual_seed(1)
            layers: list = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
                layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
            model = torch.nn.Sequential(*layers[:-1])  # softmax is in the loss
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = torch.nn.CrossEntropyLoss()
            order = torch.randperm(len(tx))
            xs, ys = tx[order], ty[order]
            for i in range(0, len(xs), args.batch_size):
                opt.zero_grad()
                loss = loss_fn(model(xs[i : i + args.batch_size]), ys[i : i + args.batch_size])
                loss.backward()
                opt.step()
            return time.perf_counter() - start

        jobs[f"PyTorch {torch.__version__}"] = torch_epoch

    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(args.epochs):
        for name, job in jobs.items():
            times[name].append(job())
    print(
        f"one epoch of {'-'.join(map(str, sizes))} on 60,000 images, batch {args.batch_size}, "
        f"{args.threads} thread(s), best of {args.epochs}:"
    )
    best = {name: min(t) for name, t in times.items()}
    for name, t in best.items():
        print(f"  {name:<24} {t:6.2f} s")
    if len(best) == 2:
        ours, theirs = best.values()
        target = 1.5 if hidden == [16, 16] else 1.0
        print(f"digitnet / PyTorch: {ours / theirs:.2f}x (target: at most {target}x)")


def compare_threads(args) -> None:
    from threadpoolctl import threadpool_limits

    from digitnet.data import mnist
    from digitnet.training.train import TrainConfig, train

    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x = mnist.as_inputs(images)
    hidden = [int(h) for h in args.hidden.split(",")]
    config = TrainConfig(hidden=hidden, batch_size=args.batch_size, epochs=1, seed=1)
    cores = os.cpu_count() or 1
    times: dict[int, list[float]] = {1: [], cores: []}
    for _ in range(args.epochs):
        for n in times:
            with threadpool_limits(limits=n, user_api="blas"):
                start = time.perf_counter()
                train(config, x, labels)
                times[n].append(time.perf_counter() - start)
    sizes = "-".join(map(str, [784, *hidden, 10]))
    print(f"one epoch of {sizes}, batch {args.batch_size}, in turn, {args.epochs} each:")
    for n, t in times.items():
        print(f"  {n} BLAS thread(s): best {min(t):6.2f} s, median {sorted(t)[len(t) // 2]:6.2f} s")


if __name__ == "__main__":
    main()
