"""Interpolation, upsampling and the QueryEngine: the numbers of `pinna upsample`; the GIL."""

import sys
import threading
import time

import numpy as np
import pytest

import pinna
from conftest import assert_sets_equal, run_cli


@pytest.fixture(scope="module")
def sparse_files(kemar_path, cli, tmp_path_factory):
    """KEMAR's LAP-19 subset as the CLI writes it, and the folder for more files."""
    folder = tmp_path_factory.mktemp("interp")
    sparse = folder / "sparse19.sofa"
    run_cli(cli, "sparsify", kemar_path, "--lap", "19", "-o", sparse)
    return sparse, folder


def test_sparsify_matches_the_cli(kemar, sparse_files):
    sparse = pinna.read_sofa(sparse_files[0])
    index = pinna.lap_sparse_indices(kemar, 19)
    assert index.dtype == np.int64 and index.shape == (19,)
    mine = kemar.subset(index)
    order = np.lexsort((mine.directions[:, 1], mine.directions[:, 0]))
    theirs = np.lexsort((sparse.directions[:, 1], sparse.directions[:, 0]))
    np.testing.assert_allclose(mine.directions[order, :2], sparse.directions[theirs, :2], atol=1e-4)
    np.testing.assert_array_equal(mine.irs[order], sparse.irs[theirs])


@pytest.mark.parametrize(
    "method, time_aligned, flags",
    [("barycentric", False, []), ("nearest", False, ["--method", "nearest"]),
     ("barycentric", True, ["--time-aligned"]), ("sh", True, ["--method", "sh", "--time-aligned"])],
)
def test_upsample_gives_the_cli_output(kemar, kemar_path, sparse_files, cli, method, time_aligned, flags):
    sparse_path, folder = sparse_files
    out = folder / f"up_{method}_{int(time_aligned)}.sofa"
    run_cli(cli, "upsample", sparse_path, "--grid", kemar_path, "-o", out, *flags)
    expected = pinna.read_sofa(out)
    sparse = pinna.read_sofa(sparse_path)
    result = pinna.upsample(sparse, kemar, method=method, time_aligned=time_aligned)
    assert result.irs.shape == expected.irs.shape == (710, 2, expected.taps)
    assert_sets_equal(expected, result, atol=1e-6)
    # And through an Interpolator.
    interpolator = pinna.Interpolator(sparse, method=method, time_aligned=time_aligned)
    assert interpolator.method == method and interpolator.time_aligned == time_aligned
    assert_sets_equal(expected, interpolator.interpolate(kemar.directions), atol=1e-6)


def test_interpolation_weights(kemar, sparse_files):
    sparse = pinna.read_sofa(sparse_files[0])
    interpolator = pinna.Interpolator(sparse)
    # At a measured direction: that measurement alone.
    index, weight = interpolator.weights(sparse.directions[4])
    assert index.dtype == np.int64 and weight.dtype == np.float64
    assert weight[np.argmax(weight)] == pytest.approx(1.0) and index[np.argmax(weight)] == 4
    # Elsewhere: a spherical triangle, weights summing to 1.
    index, weight = interpolator.weights([30.0, 20.0])
    assert len(index) == 3 and weight.sum() == pytest.approx(1.0) and np.all(weight >= -1e-12)
    np.testing.assert_allclose(interpolator.interpolate(sparse).irs, sparse.irs, atol=1e-6)
    with pytest.raises(pinna.InvalidArgumentError):
        pinna.Interpolator(sparse, method="cubic")
    with pytest.raises(pinna.InvalidArgumentError, match="directions"):
        interpolator.interpolate(np.zeros((4, 5)))


def test_query_engine(kemar):
    engine = pinna.QueryEngine(kemar)
    assert engine.taps > 0 and engine.sample_rate_hz == 44100 and engine.measurements == 710
    irs, delays = engine.query([90.0, 0.0])
    assert irs.shape == (2, engine.taps) and irs.dtype == np.float32
    assert delays.shape == (2,) and delays.dtype == np.float32
    # Source on the left: the right ear's delay is larger by about the ITD.
    i = int(pinna.SphericalIndex(kemar).nearest([[90, 0]])[0])
    itd_samples = pinna.itd_fractional_s(kemar)[i] * 44100
    assert delays[1] - delays[0] == pytest.approx(itd_samples, abs=2.0)
    # At a measured direction the engine gives that measurement (minimum phase) alone: the
    # corner of its triangle, weight 1.
    index, weight = engine.weights(kemar.directions[i])
    assert index.dtype == np.int64 and weight.dtype == np.float32
    assert index[np.argmax(weight)] == i and weight.max() == pytest.approx(1.0) and weight.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(irs, engine.measurement_irs()[i], atol=1e-6)
    np.testing.assert_allclose(delays, engine.measurement_delays()[i], atol=1e-4)
    # Its magnitude is the measurement's (LSD over the metric band).
    for ear in (0, 1):
        n = min(engine.taps, kemar.taps)
        assert pinna.lsd_db(kemar.irs[i, ear, :n], irs[ear, :n], 44100.0) < 1.0
    many_irs, many_delays = engine.query(kemar.directions[:5])
    assert many_irs.shape == (5, 2, engine.taps) and many_delays.shape == (5, 2)
    vector_irs, _ = engine.query_vector(0.0, 1.0, 0.0)  # y: left
    np.testing.assert_allclose(vector_irs, irs, atol=1e-6)
    np.testing.assert_allclose(engine.measurement_directions()[:, :2], kemar.directions[:, :2], atol=1e-9)
    with pytest.raises(pinna.InvalidArgumentError):
        pinna.QueryEngine(kemar, interpolation="sh")


def test_long_calls_release_the_gil(kemar, sparse_files):
    """A Python thread runs while pinna computes: its timestamp falls inside the call. With
    the GIL held it could only run after the call (the switch interval is raised to 5 s)."""
    sparse = pinna.read_sofa(sparse_files[0])
    targets = pinna.fibonacci_grid(4000)
    old = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    try:
        for attempt in range(3):
            go, stamp = threading.Event(), []
            thread = threading.Thread(target=lambda: (go.wait(), stamp.append(time.monotonic())))
            thread.start()
            time.sleep(0.05)  # the thread now waits for `go`
            go.set()
            pinna.upsample(sparse, targets, time_aligned=True)
            end = time.monotonic()
            thread.join()
            if stamp[0] < end:
                break
        assert stamp[0] < end, "the thread could not run during pinna.upsample: the GIL was held"
    finally:
        sys.setswitchinterval(old)
