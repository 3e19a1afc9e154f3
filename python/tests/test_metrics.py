"""Metrics from Python give the numbers of the C++ API, as `pinna evaluate --json` prints them."""

import numpy as np
import pytest

import pinna
from conftest import dataset_file, run_cli, run_cli_json

# The scalar fields `pinna evaluate --json` and pinna.compare() share.
SCORES = ("lsd_db", "sde_db", "rmse", "mae", "sdr_db", "pcc", "itd_error_us", "ild_error_db")
COUNTS = ("scored", "unmatched", "excluded", "sample_rate_hz", "taps", "bins")


@pytest.fixture(scope="module")
def upsampled(kemar_path, cli, tmp_path_factory):
    """KEMAR's LAP-19 subset and its barycentric upsampling onto KEMAR's grid, both made by
    the CLI: (sparse path, estimate path)."""
    folder = tmp_path_factory.mktemp("metrics")
    sparse, estimate = folder / "sparse19.sofa", folder / "up.sofa"
    run_cli(cli, "sparsify", kemar_path, "--lap", "19", "-o", sparse)
    run_cli(cli, "upsample", sparse, "--grid", kemar_path, "-o", estimate)
    return sparse, estimate


def assert_scores_match(result: dict, cli_json: dict) -> None:
    for key in SCORES:
        assert result[key] == pytest.approx(cli_json[key], rel=1e-8, abs=1e-9), key
    for key in COUNTS:
        assert result[key] == cli_json[key], key


def test_compare_gives_the_cli_numbers(kemar, upsampled, cli, kemar_path):
    sparse_path, estimate_path = upsampled
    sparse, estimate = pinna.read_sofa(sparse_path), pinna.read_sofa(estimate_path)
    expected = run_cli_json(cli, "evaluate", kemar_path, estimate_path, "--exclude", sparse_path, "--json")
    result = pinna.compare(kemar, estimate, exclude=sparse)
    assert isinstance(result, dict)
    assert_scores_match(result, expected)
    # The documented sizes: 19 measured, 691 scored; 232 bins of 512 within 20 Hz..20 kHz.
    assert (result["scored"], result["excluded"], result["unmatched"]) == (691, 19, 0)
    assert result["bins"] == len(pinna.metric_bins(512, 44100.0)) == 232
    # Without --exclude too: every direction scored.
    whole = run_cli_json(cli, "evaluate", kemar_path, estimate_path, "--json")
    assert_scores_match(pinna.compare(kemar, estimate), whole)
    assert whole["scored"] == 710


def test_per_direction_arrays_agree_with_the_means(kemar, upsampled):
    sparse, estimate = (pinna.read_sofa(p) for p in upsampled)
    c = pinna.compare(kemar, estimate, exclude=sparse)
    per = c["per_direction"]
    s = c["scored"]
    assert per["lsd_db"].shape == (s, 2) and per["lsd_db"].dtype == np.float64
    assert per["directions"].shape == (s, 3)
    assert per["reference_index"].dtype == np.int64 and per["reference_index"].shape == (s,)
    for key in ("itd_reference_us", "itd_estimate_us", "itd_error_us", "ild_error_db"):
        assert per[key].shape == (s,), key
    assert per["lsd_db"].mean() == pytest.approx(c["lsd_db"], rel=1e-10)
    assert per["itd_error_us"].mean() == pytest.approx(c["itd_error_us"], rel=1e-10)
    assert per["ild_error_db"].mean() == pytest.approx(c["ild_error_db"], rel=1e-10)
    np.testing.assert_allclose(np.abs(per["itd_reference_us"] - per["itd_estimate_us"]), per["itd_error_us"],
                               atol=1e-9)
    # The sparse directions are the ones left out.
    left_out = sorted(set(range(len(kemar))) - set(per["reference_index"].tolist()))
    np.testing.assert_array_equal(left_out, sorted(pinna.lap_sparse_indices(kemar, 19).tolist()))


def test_per_direction_numbers_match_the_cli(kemar, upsampled, cli, kemar_path):
    sparse_path, estimate_path = upsampled
    rows = run_cli_json(cli, "evaluate", kemar_path, estimate_path, "--exclude", sparse_path, "--json",
                        "--per-direction")["directions"]
    c = pinna.compare(kemar, pinna.read_sofa(estimate_path), exclude=pinna.read_sofa(sparse_path))
    per = c["per_direction"]
    assert len(rows) == c["scored"] == 691

    def column(key):
        return np.array([row[key] for row in rows])

    # The CLI prints 10 significant digits.
    np.testing.assert_allclose(column("azimuth_deg"), per["directions"][:, 0], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(column("elevation_deg"), per["directions"][:, 1], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(column("lsd_left_db"), per["lsd_db"][:, 0], rtol=1e-8)
    np.testing.assert_allclose(column("lsd_right_db"), per["lsd_db"][:, 1], rtol=1e-8)
    np.testing.assert_allclose(column("itd_error_us"), per["itd_error_us"], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(column("ild_error_db"), per["ild_error_db"], rtol=1e-8, atol=1e-8)


def test_identical_sets_score_perfectly(kemar):
    c = pinna.compare(kemar, kemar.copy())
    assert c["lsd_db"] == 0 and c["itd_error_us"] == 0 and c["ild_error_db"] == 0
    assert c["rmse"] == 0 and c["pcc"] == pytest.approx(1.0)
    assert c["scored"] == 710


def test_single_ir_metrics(kemar):
    ref, est = kemar.irs[10, 0], kemar.irs[11, 0]
    fs = kemar.sample_rate_hz
    s = pinna.spectral_scores(ref, est, fs)
    assert s["lsd_db"] == pytest.approx(pinna.lsd_db(ref, est, fs), rel=1e-12) and s["lsd_db"] > 0
    assert pinna.lsd_db(ref, ref, fs) == 0
    assert pinna.rmse(ref, est) == pytest.approx(np.sqrt(np.mean((ref.astype(float) - est) ** 2)), rel=1e-6)
    assert pinna.mae(ref, est) == pytest.approx(np.mean(np.abs(ref.astype(float) - est)), rel=1e-6)
    # LSD by its definition (docs/metrics.md) over the metric bins of the N-point FFT.
    bins = pinna.metric_bins(kemar.taps, fs)
    r = 20 * np.log10(np.abs(np.fft.rfft(ref.astype(float)))[bins])
    e = 20 * np.log10(np.abs(np.fft.rfft(est.astype(float)))[bins])
    assert pinna.lsd_db(ref, est, fs) == pytest.approx(np.sqrt(np.mean((r - e) ** 2)), rel=1e-6)
    # ILD left minus right: a source on the left (azimuth 90) is louder at the left ear.
    left_source = int(pinna.SphericalIndex(kemar).nearest([[90, 0]])[0])
    assert pinna.ild_db(kemar.irs[left_source, 0], kemar.irs[left_source, 1]) > 10
    assert pinna.ild_db(kemar)[left_source] == pytest.approx(
        pinna.ild_db(kemar.irs[left_source, 0], kemar.irs[left_source, 1]))
    with pytest.raises(pinna.InvalidArgumentError):
        pinna.lsd_db(ref, est[:100], fs)


def test_lap_protocol_gives_the_cli_numbers(kemar, upsampled, cli, kemar_path):
    _, estimate_path = upsampled
    expected = run_cli_json(cli, "evaluate", kemar_path, estimate_path, "--protocol", "lap", "--json")
    s = pinna.lap_task2_scores(kemar, pinna.read_sofa(estimate_path))
    for key in ("itd_error_us", "ild_error_db", "lsd_db"):
        assert s[key] == pytest.approx(expected[key], rel=1e-8), key
    assert s["thresholds"] == {"itd_us": 62.5, "ild_db": 4.4, "lsd_db": 7.4}
    assert s["lsd_pass"] == (s["lsd_db"] < 7.4)


def test_localization_model_against_the_cli():
    path = dataset_file("sonicom", "P0004_FreeFieldComp_44kHz.sofa")
    own = pinna.read_sofa(path)
    p = pinna.predict_localization(own, own)
    assert 0 < p["quadrant_error_percent"] < p["chance_quadrant_error_percent"]
    assert 0 < p["polar_rms_error_deg"] < p["chance_polar_rms_error_deg"]
    assert [q["lateral_deg"] for q in p["planes"]] == [-20.0, 0.0, 20.0]
    with pytest.raises(pinna.TooFewDirectionsError) as e:
        pinna.predict_localization(own.subset(range(10)), own.subset(range(10)))
    assert e.value.needed > e.value.found
