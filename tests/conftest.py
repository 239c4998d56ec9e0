"""Shared fixtures: tiny MNIST-format data made on the spot, real MNIST when it is there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import write_mnist


@pytest.fixture
def tiny_mnist(tmp_path: Path) -> Path:
    return write_mnist(tmp_path / "mnist")


@pytest.fixture(scope="session")
def real_mnist() -> Path:
    """The real MNIST folder named by $DIGITNET_DATA; tests that need it skip without it."""
    folder = os.environ.get("DIGITNET_DATA")
    if not folder or not Path(folder).is_dir():
        pytest.skip("real MNIST not available: set DIGITNET_DATA to a folder with the IDX files")
    return Path(folder)


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """A small untrained network saved as a model file: enough to test the plumbing."""
    from digitnet.nn.network import Network
    from digitnet.saved import modelfile

    path = tmp_path_factory.mktemp("model") / "random.npz"
    modelfile.save(Network.create([784, 16, 16, 10], rng=np.random.default_rng(7)), path)
    return path


@pytest.fixture(scope="session")
def samples() -> Path:
    return Path(__file__).resolve().parents[1] / "digitnet" / "samples"


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a 64 kB file system, where writes soon fail with ENOSPC (needs root)."""
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def good(tmp_path, samples) -> list[Path]:
    """Two ordinary pictures of a 3, to be answered whatever else goes wrong beside them."""
    paths = [tmp_path / "good-1.png", tmp_path / "good-2.png"]
    for p in paths:
        p.write_bytes((samples / "three.png").read_bytes())
    return paths
