"""Mutation testing: break the code on purpose, one change at a time, and see whether a test
fails. A mutant the tests let through is a bug they would let through.

    python tests/mutation.py network losses optim [--tests tests/test_network.py ...]

For each module named (digitnet/STAGE/NAME.py), every comparison is flipped (< and <=, > and >=,
== and !=), every + - * / swapped with its partner, every number nudged (0 to 1, n to n + 1,
x to 1.5 x), every True and False swapped and every ``not`` dropped, one at a time; the
module's tests run against each mutant (stopping at the first failure) and the mutant is
*killed* when any fails. Prints the share killed per module and each survivor's line.
Slow by nature (a test run per mutant), so not part of CI. The module is always put back.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = {  # the tests that exercise each module most directly
    "network": ["tests/test_network.py", "tests/test_backprop.py"],
    "backprop": ["tests/test_backprop.py"],
    "losses": ["tests/test_backprop.py", "tests/test_functions.py"],
    "functions": ["tests/test_functions.py", "tests/test_backprop.py"],
    "optim": ["tests/test_train.py"],
    "train": ["tests/test_train.py", "tests/test_fitting.py", "tests/test_metadata.py"],
    "fitting": ["tests/test_fitting.py", "tests/test_train.py", "tests/test_metadata.py"],
    "evaluate": ["tests/test_evaluate.py", "tests/test_train.py"],
    "modelfile": ["tests/test_modelfile.py"],
    "preprocess": [
        "tests/test_preprocess.py",
        "tests/test_pictures_people_make.py",
        "tests/test_read.py",  # predict's refusal of touching digits
    ],
    "png": ["tests/test_png.py", "tests/test_preprocess.py"],
    "reader": ["tests/test_read.py", "tests/test_shipped_models.py"],
    "segment": ["tests/test_read.py"],
}
SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
}  # fmt: skip


class Mutator(ast.NodeTransformer):
    """Walks a module's tree in a fixed order; changes site number ``target`` (or, with
    target None, only counts and describes the sites)."""

    def __init__(self, target: int | None = None) -> None:
        self.target, self.count, self.sites = target, 0, []

    def _site(self, node, description: str) -> bool:
        here = self.count
        self.count += 1
        self.sites.append((getattr(node, "lineno", 0), description))
        return here == self.target

    def visit_Compare(self, node):
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            if type(op) in SWAPS and self._site(node, f"{type(op).__name__} flipped"):
                node.ops[i] = SWAPS[type(op)]()
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if type(node.op) in SWAPS and self._site(node, f"{type(node.op).__name__} swapped"):
            node.op = SWAPS[type(node.op)]()
        return node

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} to {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, (int, float)) and self._site(node, f"{value!r} nudged"):
            new = (value + 1 if isinstance(value, int) else value * 1.5) if value else 1
            return ast.copy_location(ast.Constant(new), node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._site(node, "not dropped"):
            return node.operand
        return node


def _docstring_free(tree: ast.Module) -> ast.Module:
    """Docstrings hold no behaviour: mutants of their text are noise."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        text = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if text and isinstance(first.value.value, str):
            body[0] = ast.Pass()
    return tree


def mutants(source: str) -> list[tuple[int, str]]:
    counter = Mutator()
    counter.visit(_docstring_free(ast.parse(source)))
    return counter.sites


def mutant(source: str, k: int) -> str:
    tree = Mutator(k).visit(_docstring_free(ast.parse(source)))
    return ast.unparse(ast.fix_missing_locations(tree))


def run_module(name: str, tests: list[str], timeout: float) -> tuple[int, int, list[str]]:
    (path,) = (ROOT / "digitnet").rglob(f"{name}.py")  # module names are unique in the package
    original = path.read_text()
    sites = mutants(original)
    survivors = []
    try:
        for k, (line, what) in enumerate(sites):
            path.write_text(mutant(original, k))
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                    cwd=ROOT,
                    capture_output=True,
                    timeout=timeout,
                )
                killed = result.returncode != 0
            except subprocess.TimeoutExpired:
                killed = True  # a mutant that hangs the tests is caught by them
            if not killed:
                survivors.append(f"{name}.py:{line}: {what}")
    finally:
        path.write_text(original)
    return len(sites), len(sites) - len(survivors), survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", choices=sorted(TESTS))
    parser.add_argument("--timeout", type=float, default=300, help="seconds a test run may take")
    args = parser.parse_args()
    for name in args.modules:
        started = time.perf_counter()
        total, killed, survivors = run_module(name, TESTS[name], args.timeout)
        share = killed / total if total else 1.0
        print(
            f"{name:<10} {killed:>4} of {total:>4} mutants killed ({share:.0%}), "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        for s in survivors:
            print(f"    survived: {s}", flush=True)


if __name__ == "__main__":
    main()
