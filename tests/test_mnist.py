"""Reading MNIST's IDX files: both namings, gzipped or raw, and every check."""

import gzip
import struct

import numpy as np
import pytest
from helpers import synthetic_digits, write_mnist

from digitnet.data import mnist
from digitnet.errors import DataError


@pytest.mark.parametrize("gz", [True, False])
def test_reads_what_was_written(tmp_path, gz):
    folder = write_mnist(tmp_path, train=50, test=20, gz=gz)
    images, labels = mnist.load(folder, "train", full=False)
    want_images, want_labels = synthetic_digits(50, 1)
    np.testing.assert_array_equal(images, want_images)
    np.testing.assert_array_equal(labels, want_labels)


def test_mirror_style_names_are_found(tmp_path):
    images, labels = synthetic_digits(10)
    mnist.write_idx(tmp_path / "t10k-images.idx3-ubyte", images)
    mnist.write_idx(tmp_path / "t10k-labels.idx1-ubyte.gz", labels)
    got, _ = mnist.load(tmp_path, "test", full=False)
    np.testing.assert_array_equal(got, images)


def test_full_mnist_counts_are_insisted_on(tmp_path):
    folder = write_mnist(tmp_path, train=50, test=20)
    with pytest.raises(DataError, match="holds 20 images, expected 10000"):
        mnist.load(folder, "test")


def test_missing_folder_and_files_say_how_to_get_mnist(tmp_path):
    with pytest.raises(DataError, match="no such folder.*digitnet data download"):
        mnist.load(tmp_path / "nope", "train")
    with pytest.raises(DataError, match="no MNIST train images file"):
        mnist.load(tmp_path, "train")


def test_wrong_magic_number(tmp_path):
    folder = write_mnist(tmp_path, train=10, test=10)
    (folder / "t10k-images-idx3-ubyte.gz").rename(folder / "x.gz")
    (folder / "t10k-labels-idx1-ubyte.gz").rename(folder / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match="magic number 0x00000801, expected 0x00000803"):
        mnist.load(folder, "test", full=False)


def test_truncated_file(tmp_path):
    images, _ = synthetic_digits(10)
    path = tmp_path / "train-images-idx3-ubyte"
    mnist.write_idx(path, images)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(
        DataError,
        match=r"declares 10 x 28 x 28 items \(7,856 bytes\), but the file holds 7,756 bytes",
    ):
        mnist.read_idx(path, "images")


def test_truncated_gzip(tmp_path):
    images, _ = synthetic_digits(10)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    mnist.write_idx(path, images)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match="cannot read|malformed"):
        mnist.read_idx(path, "images")


def test_labels_out_of_range(tmp_path):
    path = tmp_path / "labels.gz"
    mnist.write_idx(path, np.array([1, 2, 12], dtype=np.uint8))
    with pytest.raises(DataError, match="label 12 is out of range 0-9"):
        mnist.read_idx(path, "labels")


def test_images_of_the_wrong_size(tmp_path):
    path = tmp_path / "images.gz"
    mnist.write_idx(path, np.zeros((3, 32, 32), dtype=np.uint8))
    with pytest.raises(DataError, match=r"items have shape \(32, 32\), expected \(28, 28\)"):
        mnist.read_idx(path, "images")


def test_image_and_label_counts_must_match(tmp_path):
    folder = write_mnist(tmp_path, train=10, test=10)
    mnist.write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(9, dtype=np.uint8))
    with pytest.raises(DataError, match="10 test images but 9 labels"):
        mnist.load(folder, "test", full=False)


def test_too_short_file(tmp_path):
    path = tmp_path / "x"
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">H", 8))
    with pytest.raises(DataError, match="too short to be an IDX file"):
        mnist.read_idx(path, "labels")


def test_real_mnist_has_its_official_shape(real_mnist):
    images, labels = mnist.load(real_mnist, "test")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist()[:2] == [980, 1135]
