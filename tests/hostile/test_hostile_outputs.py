"""Files lost or destroyed: devices, FIFOs and folders as outputs; outputs that are inputs;
a full disk under data export and draw (issue 26, points 1 to 4)."""

from __future__ import annotations

import os
import stat
import threading

import pytest
from helpers import write_mnist
from hostile_helpers import THREE, digest, digitnet

from digitnet.image.png import SIGNATURE


@pytest.fixture
def device(tmp_path):
    """A copy of /dev/null made with mknod (skips where that is not allowed)."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod needs root")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["inspect", "weights", "--image"],
        ["inspect", "image", THREE, "--steps"],
        ["read", THREE, "--steps"],
    ],
    ids=["inspect weights --image", "inspect image --steps", "read --steps"],
)
def test_a_device_given_as_an_output_is_written_through_not_replaced(device, args):
    run = digitnet(*args, device)
    assert run.status == 0, run.err
    assert stat.S_ISCHR(os.stat(device).st_mode)  # still the device, not a 43 kB PNG


def test_a_fifo_given_as_an_output_gets_the_picture_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = bytearray()

    def drain():
        with open(fifo, "rb") as f:
            received.extend(f.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    run = digitnet("inspect", "weights", "--image", fifo, timeout=30)
    reader.join(10)
    assert run.status == 0, run.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert bytes(received[:8]) == SIGNATURE and len(received) > 1000


@pytest.mark.parametrize(
    "args",
    [["inspect", "weights", "--image"], ["read", THREE, "--steps"], ["train", "--out"]],
    ids=["--image", "--steps", "train --out"],
)
def test_a_folder_given_as_an_output_is_a_usage_error(tmp_path, args):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    run = digitnet(*args, folder)
    assert run.status == 2
    run.one_error("is a directory")
    assert (folder / "keep.txt").read_text() == "mine"


def test_read_steps_onto_its_own_input_is_refused_and_the_picture_kept(tmp_path):
    picture = tmp_path / "in.png"
    picture.write_bytes(THREE.read_bytes())
    before = digest(picture)
    run = digitnet("read", picture, "--steps", picture)
    assert run.status == 2
    run.one_error(f"--steps {picture}", f"FILE {picture}")
    assert digest(picture) == before


def test_an_output_reached_by_another_name_is_still_the_input(tmp_path):
    picture = tmp_path / "in.png"
    picture.write_bytes(THREE.read_bytes())
    os.symlink(picture, tmp_path / "link.png")
    before = digest(picture)
    run = digitnet("inspect", "image", picture, "--steps", tmp_path / "link.png")
    assert run.status == 2
    run.one_error("would overwrite FILE")
    assert digest(picture) == before


def test_evaluate_mistakes_image_onto_its_labels_is_refused(tmp_path):
    folder = tmp_path / "ev"
    folder.mkdir()
    (folder / "a.png").write_bytes(THREE.read_bytes())
    labels = folder / "labels.csv"
    labels.write_text("file,label\na.png,3\n")
    before = digest(labels)
    run = digitnet("evaluate", "--images", folder, "--mistakes-image", labels)
    assert run.status == 2
    run.one_error("--mistakes-image", "labels")
    assert digest(labels) == before


def test_two_outputs_of_one_command_cannot_be_the_same_file(tmp_path):
    out = tmp_path / "o.png"
    run = digitnet("inspect", "image", THREE, "--image", out, "--steps", out)
    assert run.status == 2
    run.one_error("--steps", "--image")
    assert not out.exists()


def test_data_export_on_a_full_disk_changes_nothing_and_names_the_file(tmp_path, full_disk):
    data = write_mnist(tmp_path / "mnist", train=10, test=300)
    labels = full_disk / "labels.csv"
    labels.write_text("file,label\n" + "".join(f"old-{i}.png,{i}\n" for i in range(10)))
    before = digest(labels)
    run = digitnet("data", "export", "--data", data, "--count", 300, "--out", full_disk)
    assert run.status == 1
    line = run.one_error("No space left on device")
    assert str(full_disk) in line  # the message names the file it could not write
    assert digest(labels) == before  # the old labels are as they were
    assert sorted(p.name for p in full_disk.iterdir()) == ["labels.csv"]  # no PNG, no temp


def test_data_export_writes_every_file_when_there_is_room(tmp_path):
    data = write_mnist(tmp_path / "mnist", train=10, test=30)
    out = tmp_path / "out"
    run = digitnet("data", "export", "--data", data, "--count", 30, "--out", out)
    assert run.status == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 31 and names[-1] == "labels.csv"
    rows = (out / "labels.csv").read_text().splitlines()
    assert rows[0] == "file,label" and len(rows) == 31
    assert all((out / row.split(",")[0]).stat().st_size > 0 for row in rows[1:])
