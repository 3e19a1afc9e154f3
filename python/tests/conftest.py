"""Fixtures of pinna's Python tests (run by ctest: python/CMakeLists.txt sets PYTHONPATH to
the built package, PINNA_CLI to the built `pinna`, PINNA_DATASETS_DIR and MPLBACKEND=Agg).

Run alone: PYTHONPATH=build/python PINNA_CLI=build/bin/pinna /usr/bin/python3 -m pytest python/tests
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import pinna

KEMAR = Path("/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa")
SOURCE_DIR = Path(os.environ.get("PINNA_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DATASETS = Path(os.environ.get("PINNA_DATASETS_DIR", SOURCE_DIR.parent / "shared" / "datasets"))


@pytest.fixture(scope="session")
def kemar_path() -> Path:
    if not KEMAR.exists():
        pytest.skip(f"{KEMAR} is missing (apt-get install libmysofa-utils)")
    return KEMAR


@pytest.fixture(scope="session")
def kemar(kemar_path) -> "pinna.HrirSet":
    return pinna.read_sofa(kemar_path)


def dataset_file(*parts: str) -> Path:
    """A file of ../shared/datasets, or a skip naming it."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset file {path} is absent (data tests need ../shared/datasets)")
    return path


@pytest.fixture(scope="session")
def cli() -> str:
    """The built `pinna` command-line tool."""
    path = os.environ.get("PINNA_CLI") or shutil.which("pinna")
    if not path or not os.path.exists(path):
        pytest.skip("the pinna CLI is not available (set PINNA_CLI)")
    return path


def run_cli(cli: str, *args, check: bool = True) -> str:
    """Runs `pinna ARGS`, returns stdout; fails the test with stderr on a bad exit status."""
    r = subprocess.run([cli, *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        pytest.fail(f"pinna {' '.join(map(str, args))} exited {r.returncode}: {r.stderr}")
    return r.stdout


def run_cli_json(cli: str, *args) -> dict:
    return json.loads(run_cli(cli, *args))


@pytest.fixture(scope="session")
def neural():
    """Skips unless pinna was built with LibTorch."""
    if not pinna.has_torch():
        pytest.skip("pinna was built without LibTorch: no neural models")
    return pinna


def assert_sets_equal(a: "pinna.HrirSet", b: "pinna.HrirSet", *, atol: float = 0.0) -> None:
    assert a.irs.shape == b.irs.shape
    assert a.sample_rate_hz == b.sample_rate_hz
    np.testing.assert_allclose(a.directions[:, :2], b.directions[:, :2], atol=1e-4)
    np.testing.assert_allclose(a.irs, b.irs, rtol=0, atol=atol)
