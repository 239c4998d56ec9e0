"""digitnet predict: every option, every kind of bad input, honest exit codes."""

import csv
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import drawn_digit, png_bytes
from PIL import Image

from digitnet.cli import cli
from digitnet.image import preprocess
from digitnet.predicting import one_digit
from digitnet.saved import modelfile


@pytest.fixture
def files(samples):
    return sorted(str(p) for p in samples.glob("mnist-*.png"))


@pytest.fixture
def expected(model_path, files):
    """What the library says for each file: the CLI must print the same."""
    net = modelfile.load(model_path)
    return {f: net.forward(one_digit.inputs(f)[None])[0] for f in files}


def run(model_path, *args, input=None):
    return CliRunner().invoke(cli, ["predict", "--model", str(model_path), *args], input=input)


def test_one_file_prints_just_the_digit(model_path, files, expected):
    result = run(model_path, files[0])
    assert result.exit_code == 0
    assert result.stdout == f"{expected[files[0]].argmax()}\n"


def test_several_files_print_name_tab_digit_in_input_order(model_path, files, expected):
    order = files[::-1]
    result = run(model_path, *order)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{f}\t{expected[f].argmax()}" for f in order]


def test_filename_can_be_forced_or_dropped(model_path, files, expected):
    one = run(model_path, "-H", files[0])
    assert one.stdout == f"{files[0]}\t{expected[files[0]].argmax()}\n"
    many = run(model_path, "--no-filename", *files[:2])
    assert many.stdout.splitlines() == [str(expected[f].argmax()) for f in files[:2]]


def test_json_lines(model_path, files, expected):
    result = run(model_path, "--format", "json", "--top", "3", *files)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in rows] == files
    for r in rows:
        want = expected[r["path"]]
        assert r["digit"] == int(want.argmax())
        assert r["confidence"] == pytest.approx(float(want.max()), abs=1e-6)
        np.testing.assert_allclose(r["activations"], want, atol=1e-6)
        assert [t["digit"] for t in r["top"]] == list(np.argsort(-want, kind="stable")[:3])


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv(model_path, files, expected, fmt, delimiter):
    result = run(model_path, "-f", fmt, "--top", "2", *files[:3])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter=delimiter))
    assert rows[0] == ["path", "digit", "confidence", "digit_2", "confidence_2", "error"]
    for row in rows[1:]:
        assert row[5] == ""
        want = expected[row[0]]
        order = np.argsort(-want, kind="stable")
        assert int(row[1]) == order[0] and int(row[3]) == order[1]
        assert float(row[2]) == pytest.approx(float(want[order[0]]), abs=1e-6)


def test_top_k_in_text(model_path, files, expected):
    result = run(model_path, "--top", "2", files[0])
    want = expected[files[0]]
    d1, d2 = np.argsort(-want, kind="stable")[:2]
    assert result.stdout == f"{d1}:{want[d1]:.3f} {d2}:{want[d2]:.3f}\n"


def test_threshold_answers_question_mark_with_exit_status_3(model_path, files, expected):
    confidences = sorted(float(v.max()) for v in expected.values())
    middle = (confidences[4] + confidences[5]) / 2
    result = run(model_path, "--threshold", str(middle), "--no-filename", *files)
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    for f, line in zip(files, lines, strict=True):
        assert line == ("?" if expected[f].max() < middle else str(expected[f].argmax()))
    assert lines.count("?") == 5
    assert run(model_path, "--threshold", "0", *files).exit_code == 0


def test_stdin_image(model_path, files, expected):
    with open(files[0], "rb") as f:
        data = f.read()
    result = CliRunner().invoke(cli, ["predict", "-m", str(model_path), "-"], input=data)
    assert result.exit_code == 0
    assert result.stdout == f"{expected[files[0]].argmax()}\n"


def test_file_list_from_stdin_and_from_a_file(model_path, files, expected, tmp_path):
    listing = "\n".join(files) + "\n"
    from_stdin = run(model_path, "-T", "-", input=listing)
    assert from_stdin.stdout.splitlines() == [f"{f}\t{expected[f].argmax()}" for f in files]
    (tmp_path / "list.txt").write_text("\0".join(files))
    from_file = run(model_path, "-T", str(tmp_path / "list.txt"), "--null")
    assert from_file.stdout == from_stdin.stdout


def test_recursive_reads_directories_in_sorted_order(model_path, samples, files, expected):
    result = run(model_path, "-r", str(samples))
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == sorted(names) and set(files) <= set(names)
    # every sample is one digit but the numbers, which are left to digitnet read
    numbers = [str(samples / n) for n in ("date.png", "form.png", "number-photo.jpg")]
    assert result.exit_code == 1 and not set(numbers) & set(names)
    said = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in said] == numbers  # refused, each with its reason


def test_jobs_give_the_same_answers(model_path, files):
    serial = run(model_path, "-f", "json", *files)
    parallel = run(model_path, "-f", "json", "--jobs", "2", *files)
    assert parallel.exit_code == 0 and parallel.stdout == serial.stdout


def test_batch_size_does_not_change_answers(model_path, files):
    assert run(model_path, "--batch-size", "1", *files).stdout == run(model_path, *files).stdout


def bad_inputs(tmp_path):
    good = png_bytes(drawn_digit())
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "text.png").write_text("not a picture\n")
    (tmp_path / "truncated.png").write_bytes(good[: len(good) // 2])
    crc = bytearray(good)
    crc[29] ^= 0xFF
    (tmp_path / "crc.png").write_bytes(bytes(crc))
    Image.new("L", (100, 100), 255).save(tmp_path / "blank.png")
    Image.new("L", (3000, 3000), 255).save(tmp_path / "huge.png")
    (tmp_path / "adir").mkdir()
    return {
        str(tmp_path / "missing.png"): "no such file",
        str(tmp_path / "adir"): "is a directory",
        str(tmp_path / "empty.png"): "empty file (0 bytes)",
        str(tmp_path / "text.png"): "not an image",
        str(tmp_path / "truncated.png"): "damaged PNG file (truncated in the IDAT chunk)",
        str(tmp_path / "crc.png"): "damaged PNG file (CRC error in the IHDR chunk)",
        str(tmp_path / "blank.png"): "no ink found",
        str(tmp_path / "huge.png"): "over the limit of 1,000,000",
    }


def test_bad_inputs_each_get_one_line_and_the_rest_are_answered(model_path, files, tmp_path):
    bad = bad_inputs(tmp_path)
    args = [files[0], *bad, files[1]]
    result = run(model_path, "--max-pixels", "1000000", *args)
    assert result.exit_code == 1
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [files[0], files[1]]
    errors = result.stderr.splitlines()
    assert len(errors) == len(bad)
    for line, (path, reason) in zip(errors, bad.items(), strict=True):
        assert line.startswith(f"digitnet: {path}: ") and reason in line, line
    assert "Traceback" not in result.output


def test_max_pixels_can_be_raised(model_path, tmp_path):
    big = tmp_path / "big.png"
    canvas = Image.new("L", (1200, 1000), 255)
    canvas.paste(drawn_digit(), (500, 400))
    canvas.save(big)
    assert run(model_path, "--max-pixels", "1000000", str(big)).exit_code == 1
    assert run(model_path, "--max-pixels", "1200000", str(big)).exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(model_path, tmp_path):
    path = tmp_path / "secret.png"
    drawn_digit().save(path)
    path.chmod(0)
    result = run(model_path, str(path))
    assert result.exit_code == 1
    assert result.stderr == f"digitnet: {path}: permission denied\n"


def test_permission_denied_is_reported(model_path, tmp_path, monkeypatch):
    """The same as above where the tests run as root: the OS error is simulated."""
    path = tmp_path / "secret.png"
    drawn_digit().save(path)

    def guarded(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(preprocess, "open", guarded, raising=False)
    result = run(model_path, str(path))
    assert result.exit_code == 1
    assert result.stderr == f"digitnet: {path}: permission denied\n"


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "no images given"),
        (["--jobs", "2", "-"], "cannot be used with --jobs"),
        (["--format", "xml", "a.png"], "Invalid value for '--format'"),
        (["--top", "11", "a.png"], "Invalid value for '--top'"),
        (["--threshold", "1.5", "a.png"], "Invalid value for '--threshold'"),
    ],
)
def test_usage_errors_exit_2(model_path, args, message):
    result = run(model_path, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_help_documents_exit_statuses():
    result = CliRunner().invoke(cli, ["predict", "--help"])
    assert result.exit_code == 0
    for text in ("Exit status", "every image was answered", "below --threshold", "--jobs"):
        assert text in result.stdout


def test_head_closes_the_pipe_without_a_traceback(model_path, files, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(files * 800) + "\n")  # 8,000 answers, far more than a pipe holds
    cmd = [sys.executable, "-m", "digitnet", "predict", "-m", str(model_path), "-T", str(listing)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=120)
    assert first.decode().startswith(files[0] + "\t")
    assert b"Traceback" not in err and err == b"", err.decode()


def test_pictures_that_are_not_one_digit_are_refused_and_the_rest_answered(
    model_path, files, expected, tmp_path
):
    from PIL import ImageDraw

    two = Image.new("L", (400, 200), 255)
    d = ImageDraw.Draw(two)
    d.line([(80, 40), (80, 160)], fill=0, width=12)  # "17": two digits side by side
    d.line([(200, 40), (300, 40), (230, 160)], fill=0, width=12)
    two.save(tmp_path / "17.png")
    result = run(model_path, str(tmp_path / "17.png"), files[0])
    assert result.exit_code == 1
    assert result.stderr == (
        f"digitnet: {tmp_path / '17.png'}: several digits side by side (2): "
        "use 'digitnet read' for numbers\n"
    )
    assert result.stdout == f"{files[0]}\t{expected[files[0]].argmax()}\n"


def test_h_is_help_as_for_every_other_command():
    result = CliRunner().invoke(cli, ["predict", "-h"], prog_name="digitnet")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: digitnet predict [OPTIONS] [FILES]...")


def test_standard_input_named_twice_is_a_usage_error(model_path):
    result = run(model_path, "-", "-", input=b"")
    assert result.exit_code == 2
    assert "'-' (standard input) can be read only once" in result.stderr


def test_recursive_skips_hidden_files_and_folders_unless_asked(model_path, files, tmp_path):
    import shutil

    for name in ("a.png", ".hidden.png", ".git/b.png", "sub/c.png", "sub/.cache/d.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(files[0], tmp_path / name)
    names = [
        line.split("\t")[0]
        for line in run(model_path, "-r", str(tmp_path)).stdout.split("\n")
        if line
    ]
    assert names == [str(tmp_path / "a.png"), str(tmp_path / "sub/c.png")]
    result = run(model_path, "-r", "--hidden", str(tmp_path))
    everything = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(everything) == 5 and str(tmp_path / ".git/b.png") in everything


def test_a_symlink_loop_is_one_line_and_the_other_files_are_answered(
    model_path, files, expected, tmp_path
):
    (tmp_path / "loop_a.png").symlink_to(tmp_path / "loop_b.png")
    (tmp_path / "loop_b.png").symlink_to(tmp_path / "loop_a.png")
    loop = str(tmp_path / "loop_a.png")
    result = run(model_path, loop, files[0])
    assert result.exit_code == 1
    assert result.stderr == f"digitnet: {loop}: Too many levels of symbolic links\n"
    assert result.stdout == f"{files[0]}\t{expected[files[0]].argmax()}\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_readable_output_keeps_a_row_for_every_input(model_path, files, expected, fmt):
    """Failures were left out, so answers could not be joined back to the input list."""
    names = [files[0], "missing.png", files[1]]
    result = run(model_path, "-f", fmt, *names)
    assert result.exit_code == 1
    assert result.stderr == "digitnet: missing.png: no such file\n"
    if fmt == "json":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["path"] for r in rows] == names
        assert rows[1] == {"path": "missing.png", "digit": None, "error": "no such file"}
        assert rows[2]["digit"] == expected[files[1]].argmax() and "error" not in rows[2]
    else:
        rows = list(csv.reader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t"))
        assert [r[0] for r in rows[1:]] == names
        assert rows[2] == ["missing.png", "", "", "no such file"]
        assert int(rows[3][1]) == expected[files[1]].argmax() and rows[3][3] == ""


def test_the_same_image_gives_the_same_numbers_however_it_is_run(model_path, files, tmp_path):
    """Confidences moved in the 6th decimal with the other files of a batch."""
    from PIL import ImageDraw

    img = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(img).line([(90, 60), (210, 60), (130, 240)], fill=0, width=14)
    img.save(tmp_path / "seven.png")
    one = str(tmp_path / "seven.png")

    def confidence(*args):
        out = run(model_path, "-f", "json", *args)
        return next(json.loads(line) for line in out.stdout.splitlines() if one in line)

    alone = confidence(one)
    for args in ([*files, one], ["--batch-size", "3", *files, one], ["--jobs", "2", *files, one]):
        assert confidence(*args) == alone
    inspected = CliRunner().invoke(
        cli, ["inspect", "image", one, "-m", str(model_path), "-f", "json"]
    )
    assert json.loads(inspected.stdout)["confidence"] == alone["confidence"]


def test_jobs_default_to_the_cores_for_many_images(model_path, files, monkeypatch, tmp_path):
    """Many images named at once are read by one process per core; a few, or a list read
    from standard input, by one; --jobs decides when given."""
    from digitnet.predicting import classify as predict

    assert predict.jobs_for(None, None) == 1 and predict.jobs_for(10**6, 3) == 3
    assert predict.jobs_for(predict.AUTO_JOBS_FROM, None) == (os.cpu_count() or 1)
    assert predict.jobs_for(predict.AUTO_JOBS_FROM - 1, None) == 1
    seen = []
    real = predict.answer_batches
    spy = lambda *a, **k: seen.append(a[3]) or real(*a, **k)  # noqa: E731
    monkeypatch.setattr(predict, "answer_batches", spy)
    monkeypatch.setattr(predict, "AUTO_JOBS_FROM", len(files))
    run(model_path, *files)
    run(model_path, *files[:-1])
    run(model_path, *files, "--jobs", "1")
    listing = tmp_path / "list.txt"  # a list in a file is read whole: counted
    listing.write_text("".join(f + "\n" for f in files))
    run(model_path, "-T", str(listing))
    CliRunner().invoke(  # a list on a pipe arrives as it is made: not counted
        cli, ["predict", "-m", str(model_path), "-T", "-"], input=listing.read_text()
    )
    assert seen == [os.cpu_count() or 1, 1, 1, os.cpu_count() or 1, 1]


def test_workers_get_about_eight_chunks_each_of_a_known_list():
    from digitnet.predicting import classify as predict

    assert predict._chunk(["x"] * 10_000, 2) == 10_000 // 16
    assert predict._chunk(["x"] * 1000, 2) == predict.CHUNK_MIN
    assert predict._chunk(["x"] * 10**6, 2) == predict.CHUNK_MAX
    assert predict._chunk(iter(["x"] * 10_000), 2) == predict.CHUNK_MIN  # length unknown


def test_answers_stream_out_while_names_still_arrive(files, model_path, tmp_path):
    """A slow producer (find, a camera) gets answers as they are done, a batch at a time,
    not when its list ends, nor only when it gives the next name: names are read on a
    thread of their own, and a batch whose names stopped coming goes on after
    predict.answers' max_wait, and is written and flushed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as in a shell
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitnet", "predict", "-m", str(model_path), "-T", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    names = files[:3]
    try:
        proc.stdin.write("".join(n + "\n" for n in names))
        proc.stdin.flush()  # and then no more names, with standard input still open
        import select

        ready, _, _ = select.select([proc.stdout], [], [], 20)  # while stdin is still open
        assert ready, "no answer while names were still arriving"
        assert proc.stdout.readline().startswith(names[0] + "\t")
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_decode_raises_why_an_input_has_no_inputs(tmp_path, files, model_path):
    from digitnet.errors import ImageError
    from digitnet.limits import MAX_PIXELS
    from digitnet.predicting import classify as predict
    from digitnet.saved import modelfile

    assert predict.decode(files[0], MAX_PIXELS).shape in ((28, 28), (784,))
    with pytest.raises(ImageError, match="^no such file$"):
        predict.decode(str(tmp_path / "missing.png"), MAX_PIXELS)
    with pytest.raises(ImageError, match=r"^is a directory \(use --recursive"):
        predict.decode(str(tmp_path), MAX_PIXELS)
    (tmp_path / "empty.png").write_bytes(b"")
    net = modelfile.load(model_path)
    answers = list(predict.answers(net, [str(tmp_path / "empty.png")], MAX_PIXELS))
    assert answers == [predict.Answer(str(tmp_path / "empty.png"), error="empty file (0 bytes)")]
