"""digitnet.training.fitting.fit: a whole training run from Python, without the command line."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.data import mnist
from digitnet.nn.evaluate import evaluate
from digitnet.saved import modelfile
from digitnet.training import fitting
from digitnet.training.train import TrainConfig

SMALL = {"hidden": [16, 16], "epochs": 6, "learning_rate": 0.01, "seed": 3}


def test_fit_learns_holds_out_measures_and_records(tiny_mnist, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    epochs, notes = [], []
    run = fitting.fit(
        TrainConfig(**SMALL),
        tiny_mnist,
        limit=400,
        validation=100,
        command="my script",
        on_epoch=epochs.append,
        note=notes.append,
    )
    assert run.diverged is None and run.best_epoch is None and notes == []
    assert [r.epoch for r in epochs] == list(range(1, 7))
    # the held-out images are the last 100 of the training set, never learned from
    images, labels = mnist.load(tiny_mnist, "train", full=False)
    held = evaluate(run.network, mnist.as_inputs(images[-100:]), labels[-100:]).accuracy
    assert epochs[-1].val_accuracy == held
    test_images, test_labels = mnist.load(tiny_mnist, "test", full=False)
    expected = evaluate(run.network, mnist.as_inputs(test_images), test_labels)
    assert run.test.accuracy == expected.accuracy and run.test.n == len(test_labels)
    meta = run.network.metadata
    assert meta["test_accuracy"] == expected.accuracy
    t = meta["training"]
    assert (t["command"], t["date"], t["train_images"], t["validation_images"]) == (
        "my script",
        "2026-01-01",
        400,
        100,
    )
    assert t["validation_accuracy"] == held and t["config"]["learning_rate"] == 0.01


def test_fit_is_deterministic_for_a_seed(tiny_mnist):
    a = fitting.fit(TrainConfig(**SMALL), tiny_mnist, limit=300, validation=50).network
    b = fitting.fit(TrainConfig(**SMALL), tiny_mnist, limit=300, validation=50).network
    c = fitting.fit(TrainConfig(**{**SMALL, "seed": 4}), tiny_mnist, limit=300, validation=50)
    assert np.array_equal(a.layers[0].weights, b.layers[0].weights)
    assert not np.array_equal(a.layers[0].weights, c.network.layers[0].weights)


def test_the_learning_rate_defaults_to_the_optimisers_own():
    assert TrainConfig(optimizer="adam").learning_rate == 0.001
    assert TrainConfig(optimizer="sgd").learning_rate == 0.1
    assert TrainConfig(optimizer="sgd", learning_rate=0.5).learning_rate == 0.5


def test_save_best_writes_and_returns_the_best_epoch(tiny_mnist, tmp_path):
    out = tmp_path / "best.npz"
    seen: list[float] = []
    run = fitting.fit(
        TrainConfig(**SMALL),
        tiny_mnist,
        limit=400,
        validation=100,
        save_best=out,
        on_epoch=lambda r: seen.append(r.val_accuracy),
    )
    best = max(seen)
    assert run.best_epoch == seen.index(best) + 1
    saved = modelfile.load(out)
    assert saved.metadata["training"]["best_epoch"] == run.best_epoch
    assert np.array_equal(saved.layers[1].weights, run.network.layers[1].weights)
    assert run.network.metadata["training"]["validation_accuracy"] == best


def test_ctrl_c_raises_interrupted_with_the_saved_epoch(tiny_mnist, tmp_path):
    seen: list[float] = []

    def stop_after_3(r):
        seen.append(r.val_accuracy)
        if r.epoch == 3:
            raise KeyboardInterrupt

    with pytest.raises(fitting.Interrupted) as stopped:
        fitting.fit(
            TrainConfig(**SMALL),
            tiny_mnist,
            limit=400,
            validation=100,
            save_best=tmp_path / "b.npz",
            on_epoch=stop_after_3,
        )
    assert stopped.value.best == (seen.index(max(seen)) + 1, max(seen))
    with pytest.raises(fitting.Interrupted) as nothing:
        fitting.fit(TrainConfig(**SMALL), tiny_mnist, limit=400, on_epoch=stop_after_3)
    assert nothing.value.best is None


def test_a_diverged_run_is_returned_with_the_reason(tiny_mnist):
    config = TrainConfig(**{**SMALL, "optimizer": "sgd", "learning_rate": 1e6, "epochs": 2})
    run = fitting.fit(config, tiny_mnist, limit=300, validation=50)
    held = run.network.metadata["training"]["validation_accuracy"]
    assert held <= fitting.CHANCE
    assert run.diverged == f"held-out accuracy {held:.1%}, no better than guessing"


def test_notes_and_split_errors(tiny_mnist, monkeypatch):
    notes: list[str] = []
    fitting.fit(TrainConfig(**{**SMALL, "epochs": 1}), tiny_mnist, limit=590, note=notes.append)
    assert notes == ["--limit 590 leaves 10 of the 600 training images to hold out"]
    # the whole (tiny) training set, as if it were MNIST's: its test set is then too small
    monkeypatch.setattr(mnist, "SPLITS", {**mnist.SPLITS, "train": ("train", 600)})
    notes.clear()
    run = fitting.fit(
        TrainConfig(**{**SMALL, "epochs": 1}), tiny_mnist, validation=100, note=notes.append
    )
    assert run.test is None and run.network.metadata["test_accuracy"] is None
    assert len(notes) == 1 and notes[0].startswith("not measured on the test set: ")
    assert "holds 200 images, expected 10000" in notes[0]
    with pytest.raises(fitting.SplitError, match="less than the 600 training images"):
        fitting.fit(TrainConfig(**SMALL), tiny_mnist, validation=600)
    with pytest.raises(fitting.SplitError, match="save_best needs held-out images"):
        fitting.fit(TrainConfig(**SMALL), tiny_mnist, limit=600, save_best="x.npz")
    with pytest.raises(ValueError, match="unknown optimizer"):
        fitting.fit(TrainConfig(**{**SMALL, "optimizer": "rmsprop"}), tiny_mnist)
