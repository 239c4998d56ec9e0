"""The trainer: it learns, it is reproducible, its options work, and the CLI around it."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import synthetic_digits

from digitnet.cli import cli
from digitnet.data import mnist
from digitnet.nn import optim
from digitnet.nn.evaluate import evaluate
from digitnet.saved import modelfile
from digitnet.training.augment import Augmentation, random_affine
from digitnet.training.train import TrainConfig, train


@pytest.fixture(scope="module")
def data():
    images, labels = synthetic_digits(800, 3)
    return mnist.as_inputs(images), labels


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"optimizer": "sgd", "learning_rate": 0.1},
        {"activation": "sigmoid", "output": "sigmoid", "learning_rate": 0.03},
        {
            "loss": "quadratic",
            "activation": "sigmoid",
            "output": "sigmoid",
            "batch_size": 16,
            "learning_rate": 0.01,
        },
        {"augment": 0.5, "l2": 1e-4, "schedule": "constant"},
        {"batch_norm": True},
        {"batch_norm": True, "activation": "sigmoid", "output": "sigmoid", "augment": 0.5},
    ],
)
def test_it_learns_the_synthetic_digits(data, options):
    x, y = data
    net = train(TrainConfig(epochs=20, **{"batch_size": 32, **options}), x[:600], y[:600])
    assert evaluate(net, x[600:], y[600:]).accuracy > 0.9, options


def test_reports_every_epoch_and_batch(data):
    x, y = data
    epochs, batches = [], []
    train(
        TrainConfig(epochs=3, batch_size=100),
        x[:600],
        y[:600],
        validation=(x[600:], y[600:]),
        on_batch=lambda *a: batches.append(a),
        on_epoch=epochs.append,
    )
    assert [r.epoch for r in epochs] == [1, 2, 3]
    assert epochs[-1].loss < epochs[0].loss
    assert all(r.val_accuracy is not None for r in epochs)
    assert len(batches) == 3 * 6 and batches[-1][1:3] == (6, 6)


def test_batch_norm_reports_and_returns_the_folded_network(data):
    """Each epoch's network is the folded one (scored as reported); the last is returned."""
    x, y = data
    epochs = []
    config = TrainConfig(epochs=3, batch_size=50, batch_norm=True, activation="sigmoid")
    net = train(config, x[:600], y[:600], validation=(x[600:], y[600:]), on_epoch=epochs.append)
    assert net.sizes == [784, 16, 16, 10] and net.parameter_count == 13_002
    for r in epochs:
        assert r.val_accuracy == evaluate(r.network, x[600:], y[600:]).accuracy
    last = epochs[-1].network.layers
    assert all(np.array_equal(a.weights, b.weights) for a, b in zip(last, net.layers, strict=True))
    plain = train(TrainConfig(epochs=3, batch_size=50, activation="sigmoid"), x[:600], y[:600])
    assert not np.allclose(plain.layers[0].biases, net.layers[0].biases)


def test_distillation_learns_from_a_teacher(data, tmp_path):
    x, y = data
    teacher = train(TrainConfig(epochs=6, hidden=[32]), x[:600], y[:600])
    modelfile.save(teacher, tmp_path / "teacher.npz")
    config = TrainConfig(epochs=6, teacher=str(tmp_path / "teacher.npz"), distill=0.7)
    student = train(config, x[:600], y[:600])
    assert evaluate(student, x[600:], y[600:]).accuracy > 0.9


def test_soft_targets_mix_labels_with_the_softened_teacher(data, tmp_path):
    from digitnet.training.train import soft_targets

    x, y = data
    teacher = train(TrainConfig(epochs=2, hidden=[8]), x[:300], y[:300])
    config = TrainConfig(distill=0.7, temperature=3.0)
    labels = np.eye(10, dtype=np.float32)[y[:50]]
    p = teacher.forward(x[:50]).astype(np.float64) ** (1 / 3.0)
    p /= p.sum(axis=1, keepdims=True)
    want = 0.3 * labels + 0.7 * p
    assert np.allclose(soft_targets(teacher, x[:50], labels, config), want, atol=1e-6)


def test_the_teacher_named_in_the_config_is_the_one_used(data, tmp_path):
    """train() loads config.teacher itself: the record and the training cannot disagree."""
    x, y = data
    first = train(TrainConfig(epochs=1, hidden=[8], seed=3), x[:300], y[:300])
    other = train(TrainConfig(epochs=1, hidden=[8], seed=4), x[:300], y[:300])
    modelfile.save(first, tmp_path / "a.npz")
    modelfile.save(other, tmp_path / "b.npz")
    runs = {
        name: train(TrainConfig(epochs=1, hidden=[8], teacher=name, distill=1.0), x[:300], y[:300])
        for name in (str(tmp_path / "a.npz"), str(tmp_path / "b.npz"))
    }
    plain = train(TrainConfig(epochs=1, hidden=[8], distill=1.0), x[:300], y[:300])
    a, b = (n.layers[0].weights for n in runs.values())
    assert not np.array_equal(a, b) and not np.array_equal(a, plain.layers[0].weights)


def test_cosine_schedule_decays_to_zero():
    assert optim.learning_rate("cosine", 0.1, 0, 100) == 0.1
    assert optim.learning_rate("cosine", 0.1, 50, 100) == pytest.approx(0.05)
    assert optim.learning_rate("cosine", 0.1, 100, 100) == pytest.approx(0)
    assert optim.learning_rate("constant", 0.1, 77, 100) == 0.1


def test_adam_and_sgd_step_against_the_gradient():
    for name in optim.NAMES:
        p = np.array([1.0, -2.0])
        opt = optim.make(name, [p])
        opt.step([np.array([0.5, -0.5])], 0.01)
        assert p[0] < 1.0 and p[1] > -2.0, name


def test_augmentation_with_no_movement_is_the_identity():
    x = np.random.default_rng(0).uniform(0, 1, (4, 784)).astype(np.float32)
    same = random_affine(x, np.random.default_rng(1), 0, 0, 0)
    np.testing.assert_allclose(same, x, atol=1e-6)


def test_augmentation_shifts_by_whole_pixels_exactly():
    x = np.zeros((1, 784), dtype=np.float32)
    x[0, 14 * 28 + 10] = 1
    rng = np.random.default_rng(0)

    class FixedShift:  # uniform() returns its upper bound: a shift of exactly +2 px
        def uniform(self, low, high, size):
            return np.broadcast_to(np.asarray(high, dtype=float), size).copy()

    moved = random_affine(x, FixedShift(), 0, 0, 2)
    assert moved[0].reshape(28, 28)[16, 12] == pytest.approx(1)
    out = Augmentation(10, 0.1, 2, 1.5)(np.tile(x, (5, 1)), rng)
    assert out.shape == (5, 784) and out.min() >= 0 and out.max() <= 1


def cli_train(folder, out, *extra):
    args = ["train", "--data", str(folder), "--epochs", "8", "--validation", "100", "--lr", "0.01"]
    return CliRunner().invoke(cli, [*args, "--hidden", "16,16", "-o", str(out), *extra])


def test_cli_trains_saves_and_records_how(tiny_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500")
    assert result.exit_code == 0, result.output
    assert "epoch   8/8" in result.stderr
    net = modelfile.load(tmp_path / "m.npz")
    assert net.parameter_count == 13_002
    t = net.metadata["training"]
    assert t["epochs"] == 8 and t["seed"] == 1 and t["date"] == "2026-01-01"
    assert t["train_images"] == 500 and t["validation_images"] == 100
    assert "--hidden 16,16" in t["command"]
    # the recorded test accuracy is what evaluate measures
    images, labels = mnist.load(tiny_mnist, "test", full=False)
    measured = evaluate(net, mnist.as_inputs(images), labels).accuracy
    assert net.metadata["test_accuracy"] == measured > 0.9


def test_cli_batch_norm_is_recorded_and_saves_the_lesson_shape(tiny_mnist, tmp_path):
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500", "--batch-norm", "-q")
    assert result.exit_code == 0, result.output
    net = modelfile.load(tmp_path / "m.npz")
    assert net.sizes == [784, 16, 16, 10]
    assert net.metadata["training"]["config"]["batch_norm"] is True
    assert "--batch-norm" in net.metadata["training"]["command"]
    assert net.metadata["test_accuracy"] > 0.9


def test_same_seed_gives_a_byte_identical_file(tiny_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    runs = []
    for seed in ("5", "5", "6"):  # the same --out each time: the command is recorded too
        cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500", "--seed", seed, "-q")
        runs.append((tmp_path / "m.npz").read_bytes())
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_quiet_prints_no_epochs(tiny_mnist, tmp_path):
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500", "-q")
    assert result.exit_code == 0 and "epoch" not in result.stderr


def test_ctrl_c_stops_cleanly_and_writes_nothing(tiny_mnist, tmp_path, monkeypatch):
    import digitnet.training.train as trainer

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(trainer, "gradients", interrupted)
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "not written" in result.stderr
    assert list(tmp_path.iterdir()) == [tiny_mnist]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--hidden", "16,x"], "layer sizes"),
        (["--hidden", "0"], "positive layer sizes"),
        (["--loss", "nope"], "Invalid value for '--loss'"),
        (["--augment", "-1"], "Invalid value for '--augment'"),
    ],
)
def test_cli_usage_errors(tiny_mnist, tmp_path, args, message):
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_missing_data_says_how_to_get_it(tmp_path):
    result = CliRunner().invoke(cli, ["train", "--data", str(tmp_path), "-o", "m.npz"])
    assert result.exit_code == 1
    assert result.stderr.startswith("digitnet: ") and "digitnet data download" in result.stderr


def test_evaluate_text_and_json(tiny_mnist, tmp_path, model_path, monkeypatch):
    images, labels = mnist.load(tiny_mnist, "test", full=False)
    monkeypatch.setattr(mnist, "SPLITS", {**mnist.SPLITS, "test": ("t10k", len(labels))})
    want = evaluate(modelfile.load(model_path), mnist.as_inputs(images), labels)
    args = ["evaluate", "--data", str(tiny_mnist), "--model", str(model_path)]
    as_json = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    obj = json.loads(as_json.stdout)
    assert obj["accuracy"] == want.accuracy and obj["n"] == len(labels)
    assert obj["confusion"] == want.confusion.tolist()
    assert set(obj["per_digit"]) == {str(d) for d in range(10)}
    text = CliRunner().invoke(cli, args)
    assert f"accuracy  {want.accuracy:.2%}" in text.stdout
    row = "     3" + "".join(f"{v:>6}" for v in want.confusion[3].tolist())
    assert row in text.stdout.splitlines()


def test_progress_bar_draws_in_place_only_when_enabled(capsys, monkeypatch):
    from digitnet.cli import progress

    monkeypatch.setenv("COLUMNS", "200")
    now = [100.0]  # started at 100 s; 4 s later, 6 of the 20 batches are done
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    bar = progress.EpochBar(True, epochs=2, batch_size=64, every=0)
    bar(1, 1, 10, 0.5, 0.5)
    capsys.readouterr()
    now[0] = 104.0
    bar(1, 6, 10, 0.25, 0.9)
    err = capsys.readouterr().err
    assert err == (
        "\repoch 1/2 [##############----------] loss 0.2500  accuracy 90.00%  "
        "96 images/s  0:09 left\x1b[K"
    )  # 6 batches of 64 in 4 s; 14 more batches at that pace: 9.3 s
    progress.EpochBar(False, epochs=2, batch_size=64)(1, 5, 10, 0.25, 0.9)
    assert capsys.readouterr().err == ""


def test_progress_bar_fits_a_narrow_terminal(capsys, monkeypatch):
    from digitnet.cli import progress

    monkeypatch.setenv("COLUMNS", "60")
    bar = progress.EpochBar(True, epochs=30, batch_size=64, every=0)
    bar(12, 400, 860, 0.1234, 0.9712)
    line = capsys.readouterr().err.removeprefix("\r").removesuffix("\x1b[K")
    assert len(line) <= 59 and line.startswith("epoch 12/30 [") and line.endswith(" left")


@pytest.mark.parametrize(
    "options,message",
    [
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
        ({"schedule": "step"}, "unknown schedule 'step'"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"output": "relu"}, "cross-entropy needs a softmax or sigmoid output layer"),
        ({"epochs": 0}, "must be positive"),
    ],
)
def test_config_refuses_what_cannot_train(data, options, message):
    x, y = data
    with pytest.raises(ValueError, match=message):
        train(TrainConfig(**options), x[:10], y[:10])


@pytest.mark.parametrize("limit, learned, held", [(500, 500, 100), (550, 550, 50), (600, 600, 0)])
def test_limit_is_the_images_learned_from_and_the_held_out_come_from_the_rest(
    tiny_mnist, tmp_path, limit, learned, held
):
    """--limit 5000 failed over --validation; --limit 10000 learned from 5,000."""
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", str(limit), "-q")
    assert result.exit_code == 0, result.stderr
    t = modelfile.load(tmp_path / "m.npz").metadata["training"]
    assert (t["train_images"], t["validation_images"]) == (learned, held)
    note = f"--limit {limit} leaves {held} of the 600 training images to hold out"
    assert (note in result.stderr) == (held < 100)


def test_a_failure_during_training_is_exit_1_not_a_usage_error(tiny_mnist, tmp_path, monkeypatch):
    """Options are checked before any data is loaded; a ValueError after that was reported
    as a usage error (exit 2)."""
    import digitnet.training.train

    def broken(*args, **kwargs):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(digitnet.training.train, "train", broken)
    result = cli_train(tiny_mnist, tmp_path / "m.npz", "--limit", "500", "-q")
    assert result.exit_code == 1 and not (tmp_path / "m.npz").exists()
    assert result.stderr == (
        "digitnet: training failed, nothing written: operands could not be broadcast together\n"
    )


def test_a_diverging_run_is_a_failure_and_saved_only_with_force(tiny_mnist, tmp_path):
    out = tmp_path / "m.npz"
    diverging = ["--limit", "500", "--optimizer", "sgd", "--lr", "1e6", "-q"]
    result = cli_train(tiny_mnist, out, *diverging)
    assert result.exit_code == 1 and not out.exists()
    assert (
        "training diverged (" in result.stderr
        and "Try a smaller --lr (it was 1e+06)" in result.stderr
    )
    forced = cli_train(tiny_mnist, out, *diverging, "--force")
    assert forced.exit_code == 0 and out.exists()


def test_a_run_that_learned_nothing_is_told_to_go_further_not_slower(tiny_mnist, tmp_path):
    out = tmp_path / "m.npz"
    result = cli_train(tiny_mnist, out, "--limit", "500", "--lr", "1e-9", "--epochs", "1", "-q")
    assert result.exit_code == 1 and not out.exists()
    assert "no better than guessing" in result.stderr
    assert "Try more --epochs, a larger --lr (it was 1e-09), --batch-norm," in result.stderr
    assert "smaller" not in result.stderr and "--optimizer adam" not in result.stderr


def test_diverged_says_why():
    from digitnet.nn.network import Network
    from digitnet.training.fitting import diverged

    net = Network.create([784, 4, 10], rng=np.random.default_rng(0))
    assert diverged(net, [0.3, 0.2], [0.9]) is None
    assert diverged(net, [0.3, float("nan")], [0.9]) == "the loss became nan"
    assert diverged(net, [0.3], [0.098]) == "held-out accuracy 9.8%, no better than guessing"
    net.layers[0].weights[0, 0] = np.inf
    assert diverged(net, [0.3], [0.9]) == "the weights are no longer finite"


def test_save_best_leaves_the_best_epoch_when_interrupted(tiny_mnist, tmp_path, monkeypatch):
    """Ctrl-C threw away every epoch; with --save-best the best one so far is on disk."""
    import digitnet.training.train

    real = digitnet.training.train.train
    seen: list = []

    def interrupted_after_5(*args, on_epoch=None, **kwargs):
        def watch(report):
            on_epoch(report)
            seen.append(report.val_accuracy)
            if report.epoch == 5:
                raise KeyboardInterrupt

        return real(*args, on_epoch=watch, **kwargs)

    monkeypatch.setattr(digitnet.training.train, "train", interrupted_after_5)
    out = tmp_path / "m.npz"
    result = cli_train(tiny_mnist, out, "--limit", "500", "--save-best", "-q")
    assert result.exit_code == 130
    best = max(seen)
    first_best = seen.index(best) + 1
    assert f"{out} holds epoch {first_best}, the best so far (held out {best:.2%})" in result.stderr
    t = modelfile.load(out).metadata["training"]
    assert t["best_epoch"] == first_best and t["validation_accuracy"] == best


def test_save_best_ends_with_the_best_epochs_network(tiny_mnist, tmp_path):
    out = tmp_path / "m.npz"
    result = cli_train(tiny_mnist, out, "--limit", "500", "--save-best")
    assert result.exit_code == 0, result.stderr
    held = [
        float(line.split("validation")[1].strip().rstrip("%")) / 100
        for line in result.stderr.splitlines()
        if "validation" in line
    ]
    t = modelfile.load(out).metadata["training"]
    assert t["validation_accuracy"] == pytest.approx(max(held), abs=5e-5)
    assert t["best_epoch"] == held.index(max(held)) + 1


def test_sgd_momentum_carries_the_last_steps():
    """v <- momentum v - lr g; p <- p + v: with a constant gradient the steps grow."""
    p = np.zeros(3)
    sgd = optim.SGD([p], momentum=0.9)
    for _ in range(3):
        sgd.step([np.ones(3)], lr=0.1)
    # steps: -0.1, -0.19, -0.271 (each the last times 0.9, less 0.1)
    assert np.allclose(p, -(0.1 + 0.19 + 0.271))
    still = np.zeros(3)
    plain = optim.SGD([still], momentum=0.0)
    for _ in range(3):
        plain.step([np.ones(3)], lr=0.1)
    assert np.allclose(still, -0.3)


def test_the_held_out_accuracy_is_measured_on_the_held_out_images(data):
    """Each epoch's validation accuracy is the network's on the held-out images, not on
    the ones it learned from."""
    x, y = data
    held_x, held_y = x[600:], (y[600:] + 1) % 10  # labels it cannot match by learning
    seen = []

    def on_epoch(r):  # measured now: the network goes on learning after this epoch
        seen.append((r.val_accuracy, evaluate(r.network, held_x, held_y).accuracy, r.accuracy))

    train(TrainConfig(epochs=6), x[:600], y[:600], (held_x, held_y), on_epoch=on_epoch)
    for reported, measured, _ in seen:
        assert reported == measured
    assert seen[-1][0] < 0.5 < seen[-1][2]  # the training images it learned; these not


def test_a_two_way_network_is_saved_with_its_record(tmp_path, capsys):
    """training.two_way (the text and sign networks' scripts): trained on all but the share
    held out, measured on that share, saved with the record."""
    from digitnet.saved import modelfile
    from digitnet.training.two_way import trained

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    x = np.zeros((400, 784))
    for i, label in enumerate(y):  # ink in the top half, or in the bottom half
        x[i, rng.choice(392, 60) + 392 * label] = 1.0
    record = {"kinds": ("tops", "bottoms"), "purpose": "a test", "command": "python x.py"}
    record["data"] = "ink"
    config = TrainConfig(hidden=[16], epochs=40, learning_rate=0.01, seed=1)
    net = trained(config, x.astype(np.float32), y, 0.25, record, tmp_path / "two.npz")
    saved = modelfile.load(tmp_path / "two.npz").metadata
    measured = float((net.forward(x[300:])[:, :2].argmax(axis=1) == y[300:]).mean())
    assert saved["held_out_accuracy"] == measured >= 0.95  # the two kinds are far apart
    assert saved["held_out_examples"] == 100 and saved["purpose"] == "a test"
    assert saved["training"]["command"] == "python x.py"
    printed = capsys.readouterr().out
    assert f"400 examples: tops and bottoms ({y.mean():.0%})" in printed
    assert f"held-out accuracy {measured:.2%} on 100" in printed
