"""digitnet data: downloads from a real HTTP server on 127.0.0.1 (never the internet)."""

import csv
import gzip
import hashlib
import http.server
import threading
from functools import partial

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import write_mnist
from PIL import Image

from digitnet.cli import cli
from digitnet.cli.data_cmd import NO_DOWNLOAD
from digitnet.data import download, mnist
from digitnet.errors import DataError


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www; yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=root))
    # polled every 10 ms, so shutdown() returns at once (the default, 0.5 s, is paid per test)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def read_labels(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def content_md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def files(tmp_path):
    """Four small MNIST-format files, and their content checksums."""
    folder = write_mnist(tmp_path / "src", train=30, test=20)
    sums = {p.name: content_md5(gzip.decompress(p.read_bytes())) for p in folder.iterdir()}
    return folder, sums


def serve(root, folder, sub, mangle=lambda name, data: data):
    (root / sub).mkdir()
    for p in folder.iterdir():
        data = mangle(p.name, p.read_bytes())
        if data is not None:
            (root / sub / p.name).write_bytes(data)


def test_downloads_and_checks_every_file(server, files, tmp_path):
    url, root = server
    folder, sums = files
    serve(root, folder, "good")
    statuses = []
    got = download.download(
        tmp_path / "cache", [f"{url}/good/"], sums, report=lambda n, s: statuses.append(s)
    )
    assert sorted(got) == sorted(sums) and statuses == ["downloaded"] * 4
    for name in sums:
        assert (tmp_path / "cache" / name).read_bytes() == (folder / name).read_bytes()
    again = []
    assert (
        download.download(
            tmp_path / "cache", [f"{url}/good/"], sums, report=lambda n, s: again.append(s)
        )
        == []
    )
    assert again == ["present"] * 4


def test_recompressed_copies_pass_because_content_is_checked(server, files, tmp_path):
    url, root = server
    folder, sums = files
    serve(
        root,
        folder,
        "recompressed",
        lambda n, d: gzip.compress(gzip.decompress(d), compresslevel=1, mtime=12345),
    )
    download.download(tmp_path / "cache", [f"{url}/recompressed"], sums)
    for name in sums:
        assert download.content_md5(tmp_path / "cache" / name) == sums[name]


def test_bad_mirrors_are_skipped_for_the_next(server, files, tmp_path):
    url, root = server
    folder, sums = files
    serve(root, folder, "corrupt", lambda n, d: d[:10] + bytes([d[10] ^ 1]) + d[11:])
    serve(root, folder, "truncated", lambda n, d: d[: len(d) // 2])
    serve(root, folder, "good")
    mirrors = [f"{url}/missing/", f"{url}/corrupt/", f"{url}/truncated/", f"{url}/good/"]
    assert len(download.download(tmp_path / "cache", mirrors, sums)) == 4


def test_failures_name_the_file_and_why_and_leave_nothing(server, files, tmp_path):
    url, root = server
    folder, sums = files
    serve(
        root,
        folder,
        "partial",
        lambda n, d: (
            None
            if n.startswith("t10k-labels")
            else d[: len(d) // 2]
            if n.startswith("train-images")
            else d
        ),
    )
    with pytest.raises(DataError) as err:
        download.download(tmp_path / "cache", [f"{url}/partial/"], sums)
    lines = dict(line.split(": ", 1) for line in str(err.value).splitlines())
    assert sorted(lines) == ["t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz"]
    assert lines["train-images-idx3-ubyte.gz"].startswith("no mirror gave a valid copy")
    assert "corrupt or truncated" in lines["train-images-idx3-ubyte.gz"]
    assert "HTTP 404" in lines["t10k-labels-idx1-ubyte.gz"]
    left = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert left == ["t10k-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]  # no .part


def test_wrong_content_is_a_checksum_mismatch(server, files, tmp_path):
    url, root = server
    folder, sums = files
    serve(root, folder, "other", lambda n, d: gzip.compress(b"\0\0\x08\x01" + b"\0" * 12))
    with pytest.raises(DataError, match="checksum mismatch"):
        download.download(tmp_path / "cache", [f"{url}/other/"], sums)


def test_mirrors_from_the_environment(monkeypatch):
    monkeypatch.setenv("DIGITNET_MNIST_MIRRORS", "http://a.example/ http://b.example/,x")
    assert download.mirrors_from_env() == ["http://a.example/", "http://b.example/", "x"]


def test_cli_download_of_real_mnist_from_a_local_mirror(server, real_mnist, tmp_path):
    """The real files, served locally, pass the official content checksums."""
    url, root = server
    serve(root, real_mnist, "mnist", lambda n, d: d if n.endswith(".gz") else None)
    target = tmp_path / "cache"
    args = ["data", "download", "--dir", str(target), "--mirror", f"{url}/nothing/"]
    result = CliRunner().invoke(cli, [*args, "--mirror", f"{url}/mnist/"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    assert mnist.load(target, "test")[0].shape == (10_000, 28, 28)


def test_cli_download_failure_exits_1(server, tmp_path):
    url, _ = server
    result = CliRunner().invoke(
        cli, ["data", "download", "--dir", str(tmp_path / "c"), "--mirror", f"{url}/none/"]
    )
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert sum(line.startswith("digitnet: ") and "HTTP 404" in line for line in errors) == 4
    assert errors[-1] == f"digitnet: {NO_DOWNLOAD}"


@pytest.mark.parametrize("mirror", ["http://127.0.0.1:9/mnist/", "https://no-such-host.invalid/"])
def test_unreachable_mirrors_fail_in_lines_that_say_what_else_works(mirror, tmp_path):
    """A mirror that refuses or has no address: a URLError, which once became a traceback."""
    import subprocess
    import sys

    target = tmp_path / "c"
    cmd = [sys.executable, "-m", "digitnet", "data", "download", "--dir", str(target), "-q"]
    run = subprocess.run([*cmd, "--mirror", mirror], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert sum("no mirror gave a valid copy" in line for line in lines) == 4
    assert lines[-1] == f"digitnet: {NO_DOWNLOAD}"
    assert not target.exists() or not any(target.iterdir())


def test_default_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mnist.default_data_dir() == tmp_path / "digitnet" / "mnist"


def test_export_writes_pngs_and_labels(tiny_mnist, tmp_path):
    out = tmp_path / "out"
    args = ["data", "export", "--data", str(tiny_mnist), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--count", "5", "--start", "3"])
    assert result.exit_code == 0, result.output
    images, labels = mnist.load(tiny_mnist, "test", full=False)
    rows = read_labels(out / "labels.csv")
    assert [r["file"] for r in rows] == [f"{i:05d}-{labels[i]}.png" for i in range(3, 8)]
    for i, r in zip(range(3, 8), rows, strict=True):
        assert int(r["label"]) == labels[i]
        np.testing.assert_array_equal(np.asarray(Image.open(out / r["file"])), images[i])


def test_export_per_digit_and_digit_filter(tiny_mnist, tmp_path):
    base = ["data", "export", "--data", str(tiny_mnist)]
    CliRunner().invoke(cli, [*base, "--per-digit", "2", "--out", str(tmp_path / "a")])
    labels = [int(r["label"]) for r in read_labels(tmp_path / "a" / "labels.csv")]
    assert sorted(labels) == sorted(list(range(10)) * 2)
    CliRunner().invoke(cli, [*base, "--digit", "3", "-n", "4", "--out", str(tmp_path / "b")])
    labels = [int(r["label"]) for r in read_labels(tmp_path / "b" / "labels.csv")]
    assert labels == [3, 3, 3, 3]


def test_show_draws_digits_with_labels(tiny_mnist, monkeypatch):
    monkeypatch.setenv("COLORTERM", "truecolor")
    args = ["data", "show", "--data", str(tiny_mnist), "-n", "3", "--color", "never"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    _, labels = mnist.load(tiny_mnist, "test", full=False)
    assert all(f"#{i} label {labels[i]}" in result.stdout for i in range(3))
    assert "@" in result.stdout and "\x1b[" not in result.stdout
    colored = CliRunner().invoke(cli, [*args[:-1], "always"], color=True)
    assert "\x1b[38;2;" in colored.stdout


def test_data_commands_without_data_say_how_to_get_it(tmp_path):
    result = CliRunner().invoke(cli, ["data", "show", "--data", str(tmp_path / "none")])
    assert result.exit_code == 1 and "digitnet data download" in result.stderr


def test_download_bar_shows_the_file_and_megabytes(capsys, monkeypatch):
    from digitnet.cli.progress import ByteBar

    monkeypatch.setenv("COLUMNS", "200")
    ByteBar(enabled=True, every=0)("t10k-labels-idx1-ubyte.gz", 500_000, 1_000_000)
    err = capsys.readouterr().err
    assert err == "\rt10k-labels-idx1-ubyte.gz [############------------] 0.5/1.0 MB\x1b[K"
    ByteBar(enabled=False)("x", 1, 2)
    assert capsys.readouterr().err == ""


def test_a_failed_download_leaves_no_empty_folders_behind(server, files, tmp_path):
    url, _ = server
    _, sums = files
    target = tmp_path / "cache" / "digitnet" / "mnist"
    with pytest.raises(DataError):
        download.download(target, [f"{url}/nothing-here/"], sums)
    assert not (tmp_path / "cache").exists()
    assert tmp_path.is_dir()  # what was there before is kept
