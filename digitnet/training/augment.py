"""Light augmentation: each image gets its own small random shift, rotation, scale and warp.

The whole batch is warped at once: every output pixel asks where it came from (the inverse
affine map about the image centre) and reads that point by bilinear interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitnet.data.mnist import SIDE

_PAD = 2  # zero border, so points that fall outside the image read ink-free pixels


@dataclass(frozen=True)
class Augmentation:
    rotation: float = 10.0  # degrees, either way
    scale: float = 0.1  # relative, either way
    shift: float = 2.0  # pixels, in x and y
    warp: float = 0.0  # pixels: smooth random displacement, like a hand's wobble

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return random_affine(x, rng, self.rotation, self.scale, self.shift, self.warp)


def _upsample_matrix(coarse: int) -> np.ndarray:
    """28 x coarse weights that interpolate a coarse grid linearly across the image."""
    pos = np.linspace(0, coarse - 1, SIDE)
    return np.maximum(0, 1 - np.abs(pos[:, None] - np.arange(coarse)[None, :]))


def random_affine(
    x: np.ndarray,
    rng: np.random.Generator,
    rotation: float,
    scale: float,
    shift: float,
    warp: float = 0.0,
) -> np.ndarray:
    """Move each row of x (N x 784 activations) by its own random affine map (and warp)."""
    n = len(x)
    theta = np.deg2rad(rng.uniform(-rotation, rotation, n))
    s = rng.uniform(1 - scale, 1 + scale, n)
    tx, ty = rng.uniform(-shift, shift, (2, n))
    c = (SIDE - 1) / 2
    ys, xs = np.divmod(np.arange(SIDE * SIDE), SIDE)
    dx = (xs - c)[None, :] - tx[:, None]
    dy = (ys - c)[None, :] - ty[:, None]
    cos, sin = (np.cos(theta) / s)[:, None], (np.sin(theta) / s)[:, None]
    src_x = cos * dx + sin * dy + c
    src_y = -sin * dx + cos * dy + c
    if warp:  # displacements drawn on a 4 x 4 grid and spread smoothly over the 28 x 28
        u = _upsample_matrix(4)
        grid = rng.uniform(-warp, warp, (2, n, 4, 4))
        field = np.einsum("ik,cnkl,jl->cnij", u, grid, u).reshape(2, n, -1)
        src_x, src_y = src_x + field[0], src_y + field[1]
    src_x, src_y = np.clip(src_x, -1, SIDE), np.clip(src_y, -1, SIDE)
    return bilinear(x, src_x, src_y)


def bilinear(x: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Read images x (N x 784) at points (src_x, src_y), each N x 784, in [-1, 28]."""
    n, side = len(x), SIDE + 2 * _PAD
    padded = np.zeros((n, side, side), dtype=x.dtype)
    padded[:, _PAD:-_PAD, _PAD:-_PAD] = x.reshape(n, SIDE, SIDE)
    padded = padded.reshape(n, -1)
    x0, y0 = np.floor(src_x), np.floor(src_y)
    fx, fy = (src_x - x0).astype(x.dtype), (src_y - y0).astype(x.dtype)
    i = (y0.astype(np.intp) + _PAD) * side + x0.astype(np.intp) + _PAD

    def at(offset: int) -> np.ndarray:
        return np.take_along_axis(padded, i + offset, axis=1)

    top = at(0) * (1 - fx) + at(1) * fx
    bottom = at(side) * (1 - fx) + at(side + 1) * fx
    return top * (1 - fy) + bottom * fy
