"""digitnet draw against a terminal that misbehaves and a disk that is full (issue 26,
points 4 and 11), in a real pseudo-terminal."""

from __future__ import annotations

import time

import pytest
from test_draw import ONE, Terminal, answers, mouse, stroke


@pytest.fixture
def term_in(request):
    made = []

    def start(folder) -> Terminal:
        t = Terminal(folder)
        assert b"draw a digit" in t.read()
        made.append(t)
        return t

    yield start
    for t in made:
        t.close()


BROKEN = [
    b"\x1b[<0;5;5",  # a mouse report cut short, then another key
    b"\x1b[<0;5;5x",  # ... ended by a byte that is not ours
    b"\x1b[<32;46;6;M",  # a report with one field too many
    b"\x1b[<0;5;5\x1b[<0;6",  # cut short twice
    b"\x1b[",  # a bare control sequence introducer
]


@pytest.mark.parametrize("sequence", BROKEN, ids=repr)
@pytest.mark.parametrize("key, status", [(b"q", 0), (b"\x1b", 0), (b"\x03", 130)])
def test_keys_work_after_a_broken_escape_sequence(term_in, tmp_path, sequence, key, status):
    term = term_in(tmp_path)
    term.send(sequence, wait=False)
    time.sleep(0.3)  # longer than a sequence may stay unfinished
    assert term.finish(key) == status  # drain() gives up after 10 s: a trapped pad fails


def test_ctrl_c_breaks_off_an_unfinished_sequence_at_once(term_in, tmp_path):
    term = term_in(tmp_path)
    assert term.finish(b"\x1b[<0;5;5\x03") == 130


def test_mouse_reports_split_across_reads_still_draw(term_in, tmp_path):
    """Each report arrives in two reads, within the wait for a sequence's rest: the stroke
    is drawn and read as it is whole."""
    term = term_in(tmp_path)
    reports = [mouse(0, *ONE[0])] + [mouse(32, x, y) for x, y in ONE[1:]]
    for report in reports:
        term.send(report[:5], wait=False)
        time.sleep(0.01)
        term.send(report[5:])
    term.send(mouse(0, *ONE[-1], press=False), wait=False)
    term.sync()
    assert answers(term.screen)[-1] == "1"
    assert term.finish() == 0


def test_saving_on_a_full_disk_says_so_and_keeps_the_drawing(term_in, full_disk):
    filler = full_disk / "filler"
    try:
        with open(filler, "wb") as f:
            f.write(bytes(1 << 20))
    except OSError:  # full now: nothing more can be written
        pass
    term = term_in(full_disk)
    stroke(term, ONE)
    screen = term.send(b"s")
    assert b"not saved" in screen and b"No space left on device" in screen
    stroke(term, [(10.0, 10.0), (12.0, 12.0)])  # still drawing
    assert term.finish() == 0
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]  # no 0-byte PNG
