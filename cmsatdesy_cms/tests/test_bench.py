"""`make bench`'s page measurement, at tiny scales: every page of the table answers and runs the
same number of SQL queries with 10× the stories (the full benchmark is not run in CI)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmarked_page_runs_the_same_queries_at_20_and_200_stories() -> None:
    bench = _bench()
    _, small = bench.seed(20)
    at_small = bench.measure_pages(runs=1)
    _, large = bench.seed(200)
    at_large = bench.measure_pages(runs=1)
    assert large >= small + 150
    labels = [label for label, _, _ in bench.pages()]
    assert list(at_small) == list(at_large) == labels
    for label in labels:
        status_small, queries_small, _ = at_small[label]
        status_large, queries_large, _ = at_large[label]
        assert status_small == status_large == 200, label
        assert queries_small == queries_large, (label, queries_small, queries_large)
