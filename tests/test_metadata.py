"""The model file's metadata has one schema (digitnet/saved/metadata.py): docs/model-file.md
documents every key in it, and digitnet writes no key outside it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from digitnet.cli import cli
from digitnet.reading.reading_networks import shipped_judge, shipped_part_reader
from digitnet.saved import metadata, modelfile, shipped

DOC = Path(__file__).resolve().parents[1] / "docs" / "model-file.md"


def _format_section() -> str:
    return DOC.read_text()


@pytest.mark.parametrize("key", [*metadata.FIELDS, *metadata.TRAINING_FIELDS])
def test_every_key_is_in_the_readme(key):
    assert f"`{key}`" in _format_section(), key


def test_the_readme_names_no_key_that_is_not_in_the_schema():
    known = {*metadata.FIELDS, *metadata.TRAINING_FIELDS, "sizes", "activations", "parameters"}
    named = set(re.findall(r"`([a-z_]+)`", _format_section()))
    assert named - known <= {"allow_pickle", "metadata"}, named - known


def _keys_are_known(meta: dict) -> None:
    assert set(meta) <= set(metadata.FIELDS), set(meta) - set(metadata.FIELDS)
    training = meta.get("training") or {}
    assert set(training) <= set(metadata.TRAINING_FIELDS), set(training)
    assert meta.get("format") in (None, metadata.FORMAT)


@pytest.mark.parametrize("name", shipped.names())
def test_shipped_models_write_only_known_keys(name):
    _keys_are_known(modelfile.load(shipped.resolve(name)).metadata | _file_keys())


@pytest.mark.parametrize("load", [shipped_judge, shipped_part_reader])
def test_read_s_own_networks_write_only_known_keys(load):
    _keys_are_known(load().metadata)


def _file_keys() -> dict:
    return {"format": metadata.FORMAT, "format_version": 1, "architecture": {}}


@pytest.mark.parametrize("extra", [[], ["--save-best"]])
def test_a_trained_model_writes_only_known_keys(tiny_mnist, tmp_path, extra):
    out = tmp_path / "m.npz"
    args = ["train", "--data", str(tiny_mnist), "-o", str(out), "--limit", "500"]
    result = CliRunner().invoke(cli, [*args, "--epochs", "2", "--hidden", "8", "-q", *extra])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:  # the file's own JSON, as written
        meta = json.loads(str(np.load(z.open("metadata.npy"))))
    _keys_are_known(meta)
    assert meta["format_version"] == metadata.FORMAT_VERSION
    assert ("best_epoch" in meta["training"]) == bool(extra)
    assert meta["training"]["command"].startswith("digitnet train --data")
