"""The candidate parts of a picture's digit marks, each made, framed and read once (the
number reader tries many ways to cut a mark, and they share parts)."""

from __future__ import annotations

import math

import numpy as np

from digitnet.image.framing import fit_many
from digitnet.nn.network import Network
from digitnet.reading import ink_sharing, part_score, reading_networks, segment
from digitnet.reading.number import Digit
from digitnet.reading.read_settings import DEFAULT, ReadSettings


class Parts:
    """The candidate parts of a picture's digit marks, each made once: their 784 inputs and
    boxes, and once judged (judge_new) the network's outputs and the judge's say."""

    def __init__(
        self,
        found: segment.Segments,
        net: Network,
        judge: Network | None,
        helper: Network | str | reading_networks.Shipped | None = None,
        settings: ReadSettings = DEFAULT,
    ):
        self.found, self.net, self.judge, self.helper = found, net, judge, helper
        self.settings = settings
        self.inputs: list[np.ndarray] = []
        self.where: list[tuple[int, int, int, int]] = []
        self.outputs, self.one = np.zeros((0, 10)), np.zeros(0)
        self.second = np.zeros((0, 10))  # the helper's outputs, made when first scored
        # (HELPER is resolved then too: a number with no cut mark never loads the helper)
        self.cut: list[bool] = []  # whether each part is a cut one (else a whole mark)
        self.final: dict[int, np.ndarray] = {}  # cut parts' outputs, as read_cut read them
        self._masks: dict[segment.Mark, np.ndarray] = {}

    def mask(self, mark: segment.Mark) -> np.ndarray:
        if mark not in self._masks:
            self._masks[mark] = ink_sharing.mask_of(self.found, mark)
        return self._masks[mark]

    def add(self, mark: segment.Mark, own: np.ndarray | None = None) -> int | None:
        """A mark, or the part of it that is ``own`` (a mask of its box): its number, or
        None when no ink is left in it."""
        return self.add_all([(mark, own)])[0]

    def add_all(self, wanted: list[tuple[segment.Mark, np.ndarray | None]]) -> list[int | None]:
        """add() for several (mark, own) at once, framed in one go (framing.fit_many)."""
        if not wanted:
            return []
        cut: dict[segment.Mark, list[int]] = {}  # each mark's cut parts, cleaned in one go
        for k, (mark, own) in enumerate(wanted):
            if own is not None:
                cut.setdefault(mark, []).append(k)
        owns: dict[int, tuple[np.ndarray, int] | None] = {}
        for ks in cut.values():
            owns.update(zip(ks, ink_sharing.cut_owns([wanted[k][1] for k in ks]), strict=True))
        made = [
            ink_sharing.part_of(self.found, mark, self.mask(mark), None)
            if own is None
            else (None if owns[k] is None else ink_sharing.part_of(self.found, mark, *owns[k]))
            for k, (mark, own) in enumerate(wanted)
        ]
        framed = iter(fit_many([m[0] for m in made if m is not None]))
        numbers: list[int | None] = []
        for m, (_, own) in zip(made, wanted, strict=True):
            inputs = None if m is None else next(framed)
            if inputs is None:
                numbers.append(None)
                continue
            self.inputs.append(inputs.ravel())
            self.where.append(m[1])
            self.cut.append(own is not None)
            numbers.append(len(self.inputs) - 1)
        return numbers

    def judge_new(self) -> None:
        """The network's outputs and the judge's say for the parts added since, in one batch."""
        first = len(self.outputs)
        if len(self.inputs) > first:
            x = np.stack(self.inputs[first:]).astype(np.float64)
            self.outputs = np.concatenate([self.outputs, self.net.forward(x)])
            self.one = np.concatenate([self.one, reading_networks.judged_one(self.judge, x)])

    def score(self, i: int | None, height: float) -> float:
        """How convincing part i is: part_score.score, and for a cut part the helper's say."""
        if i is None:
            return -math.inf
        own = part_score.score(self.outputs[i], self.one[i], self.where[i], height, self.settings)
        return own + self._agree(i)

    def _agree(self, i: int) -> float:
        """The log of the helper's output for cut part i's answer (0 for a whole mark, or
        without a helper); the helper reads every part judged so far, in one batch, when
        first asked."""
        if self.helper is None or not self.cut[i]:
            return 0.0
        if not hasattr(self.helper, "forward"):
            self.helper = reading_networks.network(
                self.helper, lambda: reading_networks.second_network(self.net)
            )
        if len(self.second) <= i:
            x = np.stack(self.inputs[len(self.second) : len(self.outputs)]).astype(np.float64)
            self.second = np.concatenate([self.second, self.helper.forward(x)])
        return math.log(max(float(self.second[i, int(self.outputs[i].argmax())]), 1e-9))

    def read_cut(self, ids: list[int], part_reader: Network | str | None) -> None:
        """The cut parts among ``ids`` read again, by the network and ``part_reader``
        together (reading_networks.together), in one batch; digit() answers with that."""
        cut = [i for i in ids if self.cut[i]]
        if part_reader is None or not cut:
            return
        part_reader = reading_networks.network(part_reader, reading_networks.shipped_part_reader)
        x = np.stack([self.inputs[i] for i in cut]).astype(np.float64)
        read = reading_networks.together(self.outputs[cut], part_reader.forward(x))
        self.final.update(zip(cut, read, strict=True))

    def clearly_one(self, i: int, height: float) -> bool:
        return part_score.clearly_one(
            self.outputs[i], self.one[i], self.where[i], height, self.settings
        )

    def digit(self, i: int) -> Digit:
        out = self.final.get(i, self.outputs[i])
        box = self.found.in_picture(self.where[i])
        return Digit(int(out.argmax()), float(out.max()), box, out, self.inputs[i])
