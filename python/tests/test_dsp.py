"""Representations: spectra, dB magnitudes, DTF/CTF, onsets, ITD, minimum phase, SH fits."""

import numpy as np
import pytest

import pinna
from conftest import run_cli_json


def nearest(kemar, azimuth, elevation) -> int:
    return int(pinna.SphericalIndex(kemar).nearest([[azimuth, elevation]])[0])


def test_spectra_are_the_fft_of_the_irs(kemar):
    h = pinna.to_hrtf(kemar, fft_size=1024)
    assert isinstance(h, pinna.HrtfSet)
    assert h.values.shape == (710, 2, 513) and h.values.dtype == np.complex128
    assert h.fft_size == 1024 and h.bins == 513 and h.sample_rate_hz == 44100
    np.testing.assert_allclose(h.values, np.fft.rfft(kemar.irs.astype(np.float64), 1024), atol=1e-9)
    f = h.frequencies_hz
    assert f.shape == (513,) and f[0] == 0 and f[-1] == pytest.approx(22050) and f[1] == pytest.approx(44100 / 1024)
    np.testing.assert_array_equal(h.directions, kemar.directions)
    back = pinna.to_hrirs(h, taps=512)
    np.testing.assert_allclose(back.irs, kemar.irs, atol=1e-6)


def test_db_magnitudes(kemar):
    db = pinna.magnitude_db(kemar, fft_size=512)
    assert isinstance(db, pinna.SpectrumSet)
    assert db.values.shape == (710, 2, 257) and db.values.dtype == np.float64
    magnitude = np.abs(np.fft.rfft(kemar.irs.astype(np.float64), 512))
    expected = 20 * np.log10(np.maximum(magnitude, 1e-10))  # floored at -200 dB (floor_db)
    np.testing.assert_allclose(db.values, expected, atol=1e-6)
    # From an HrtfSet too, the same numbers.
    np.testing.assert_allclose(pinna.magnitude_db(pinna.to_hrtf(kemar, 512)).values, db.values, atol=1e-9)
    # A source on the left is louder at the left ear above 1 kHz.
    i = nearest(kemar, 90, 0)
    band = (db.frequencies_hz > 1000) & (db.frequencies_hz < 10000)
    assert db.values[i, 0, band].mean() > db.values[i, 1, band].mean() + 10


def test_dtf_ctf_split_and_join(kemar):
    h = pinna.to_hrtf(kemar)
    dtf, ctf = pinna.split_dtf(h)
    assert ctf.shape == (2, h.bins) and ctf.dtype == np.float64
    # The CTF is the RMS over directions of the magnitudes, per ear and bin.
    np.testing.assert_allclose(ctf, np.sqrt(np.mean(np.abs(h.values) ** 2, axis=0)), rtol=1e-9)
    np.testing.assert_allclose(np.abs(dtf.values) * ctf[None], np.abs(h.values), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pinna.join_dtf(dtf, ctf).values, h.values, rtol=1e-9, atol=1e-12)
    with pytest.raises(pinna.InvalidArgumentError, match="ctf"):
        pinna.join_dtf(dtf, ctf[:, :10])


def test_onsets():
    ir = np.zeros(256, np.float32)
    ir[37] = 1.0
    assert pinna.onset_samples(ir, fractional=False) == 37
    assert pinna.onset_samples(ir) == pytest.approx(37, abs=1.0)
    irs = np.zeros((2, 2, 64), np.float32)
    irs[0, 0, 5] = irs[0, 1, 9] = irs[1, 0, 20] = irs[1, 1, 3] = 1.0
    s = pinna.HrirSet(irs, [[0, 0], [90, 0]], 48000.0)
    o = pinna.onsets(s, fractional=False)
    assert o.shape == (2, 2) and o.dtype == np.float64
    np.testing.assert_array_equal(o, [[5, 9], [20, 3]])


def test_itd_sign_and_the_cli_numbers(kemar, cli, tmp_path):
    itd_us = pinna.itd_s(kemar) * 1e6
    assert itd_us.shape == (710,) and itd_us.dtype == np.float64
    # t_right - t_left: positive on the left (azimuth 90), negative on the right.
    assert 500 < itd_us[nearest(kemar, 90, 0)] < 900
    assert -900 < itd_us[nearest(kemar, 270, 0)] < -500
    assert abs(itd_us[nearest(kemar, 0, 0)]) < 30
    # Whole samples (the LAP metric ITD).
    np.testing.assert_allclose(itd_us * 44100 / 1e6, np.round(itd_us * 44100 / 1e6), atol=1e-9)
    est = pinna.ItdEstimator(44100.0, 512)
    i = nearest(kemar, 60, 20)
    assert est.itd_s(kemar.irs[i, 0], kemar.irs[i, 1]) == pytest.approx(itd_us[i] / 1e6, abs=1e-12)
    assert pinna.itd_fractional_s(kemar)[i] == pytest.approx(itd_us[i] / 1e6, abs=1.5 / 44100)
    # The C++ numbers: KEMAR with its ears swapped has the opposite ITD and ILD, so the CLI's
    # per-direction errors against it are 2 |ITD| and 2 |ILD|.
    swapped = kemar.copy()
    swapped.irs = kemar.irs[:, ::-1, :].copy()
    pinna.write_sofa(swapped, tmp_path / "swapped.sofa")
    rows = run_cli_json(cli, "evaluate", kemar.metadata.source_path, tmp_path / "swapped.sofa", "--json",
                        "--per-direction")["directions"]
    assert len(rows) == 710
    index = pinna.SphericalIndex(kemar).nearest([[r["azimuth_deg"], r["elevation_deg"]] for r in rows])
    np.testing.assert_allclose([r["itd_error_us"] for r in rows], 2 * np.abs(itd_us[index]), atol=1e-6)
    np.testing.assert_allclose([r["ild_error_db"] for r in rows], 2 * np.abs(pinna.ild_db(kemar)[index]),
                               atol=1e-6)


def test_minimum_phase_keeps_the_magnitude(kemar):
    i = nearest(kemar, 45, 0)
    ir = kemar.irs[i, 1]
    mp, delay = pinna.minimum_phase(ir)
    assert mp.dtype == np.float32 and mp.shape == ir.shape
    assert 0 < delay < 100
    # Minimum phase: the energy is at the start, and the magnitude is the same (within the
    # band the metrics use; a tiny error from the finite length).
    assert np.argmax(np.abs(mp)) < 5 and np.argmax(np.abs(ir)) > 10
    bins = pinna.metric_bins(512, 44100)
    a = 20 * np.log10(np.abs(np.fft.rfft(ir.astype(float)))[bins])
    b = 20 * np.log10(np.abs(np.fft.rfft(mp.astype(float)))[bins])
    assert np.sqrt(np.mean((a - b) ** 2)) < 0.5
    s = pinna.to_minimum_phase(kemar)
    assert s.has_delays and s.delays.shape == (710, 2)
    assert pinna.compare(kemar, pinna.from_minimum_phase(s))["lsd_db"] < 0.5


def test_render_magnitude_itd_oversample(kemar):
    # 1 (the default): before its delay each IR has exactly the given magnitudes; 4 smooths
    # them between bins. Both put the requested metric ITD on the pair.
    spectra = pinna.magnitude_itd(kemar.subset(list(range(0, 710, 71))))
    db = spectra.db.values
    undelayed = pinna.MagnitudeItd(spectra.db, np.zeros(len(spectra.itd_s)))
    for oversample, tolerance in ((1, 1e-3), (4, None)):
        out = pinna.render_magnitude_itd(undelayed, oversample=oversample, match_metric_itd=False)
        back = pinna.magnitude_db(out).values
        loud = db > db.max(axis=2, keepdims=True) - 60
        worst = np.max(np.abs(back - db)[loud])
        if tolerance is None:
            assert worst > 0.01
        else:
            assert worst < tolerance
        matched = pinna.render_magnitude_itd(spectra, base_delay_samples=30, oversample=oversample)
        np.testing.assert_allclose(pinna.magnitude_itd(matched).itd_s * 44100,
                                   np.round(spectra.itd_s * 44100), atol=1e-9)
    with pytest.raises(ValueError):
        pinna.render_magnitude_itd(spectra, oversample=0)


def test_delay_and_resample():
    x = np.zeros(64, np.float32)
    x[3] = 1.0
    y = pinna.delay_signal(x, 5.0)
    assert y.dtype == np.float32 and np.argmax(y) == 8 and y[8] == pytest.approx(1.0, abs=1e-4)
    s = pinna.HrirSet(np.tile(x, (3, 2, 1)), [[0, 0], [90, 0], [180, 0]], 44100.0)
    r = pinna.resample(s, 48000.0)
    assert r.sample_rate_hz == 48000 and r.taps == pytest.approx(64 * 48000 / 44100, abs=1)


def test_resample_keeps_a_filters_response_unless_asked_for_the_waveform():
    # A unit impulse mid-IR: a flat 0 dB response. As a filter it stays 0 dB at 48 kHz; as a
    # waveform its samples sum (its DC response) to 48 / 44.1.
    x = np.zeros(256, np.float32)
    x[128] = 1.0
    s = pinna.HrirSet(np.tile(x, (1, 2, 1)), [[0, 0]], 44100.0)
    as_filter = np.asarray(pinna.resample(s, 48000.0).irs)[0, 0]
    as_waveform = np.asarray(pinna.resample(s, 48000.0, keep_frequency_response=False).irs)[0, 0]
    assert as_filter.sum() == pytest.approx(1.0, abs=2e-3)
    assert as_waveform.sum() == pytest.approx(48000.0 / 44100.0, abs=2e-3)


def test_sh_fit_recovers_known_coefficients():
    grid = pinna.lebedev_grid(50)
    d = grid.directions
    order = 3
    rng = np.random.default_rng(7)
    coefficients = rng.standard_normal(pinna.sh_channels(order))
    y = pinna.sh_matrix(order, d)
    assert y.shape == (len(d), 16)
    values = y @ coefficients
    np.testing.assert_allclose(pinna.sh_evaluate(order, coefficients, d), values, atol=1e-12)
    fitter = pinna.ShFitter(d, order=order, lambda_=0.0)
    assert fitter.channels == 16 and fitter.grid_size == len(d)
    np.testing.assert_allclose(fitter.fit(values), coefficients, atol=1e-9)
    # Two fields at once, and complex ones.
    two = np.stack([values, 2 * values], axis=1)
    np.testing.assert_allclose(fitter.fit(two), np.stack([coefficients, 2 * coefficients], axis=1), atol=1e-9)
    np.testing.assert_allclose(fitter.fit(values * (1 + 1j)), coefficients * (1 + 1j), atol=1e-9)
    np.testing.assert_allclose(fitter.solve_matrix() @ values, coefficients, atol=1e-9)
    # Quadrature weights sum to the sphere's area.
    assert grid.weights_sr.sum() == pytest.approx(4 * np.pi)


def test_sh_hrtf_fit_and_evaluate(kemar):
    errors = []
    for order in (4, 10):
        fit = pinna.ShHrtf.fit(kemar, order=order)
        assert fit.order == order and fit.coefficients.shape == ((order + 1) ** 2, 2, fit.values_per_ear)
        back = fit.evaluate(kemar)
        assert back.irs.shape == kemar.irs.shape
        errors.append(pinna.compare(kemar, back)["lsd_db"])
    assert errors[1] < errors[0]  # a higher order fits more closely
    mag = pinna.ShHrtf.fit(kemar, order=6, domain="magnitude_db")
    assert mag.domain == "magnitude_db" and mag.values_per_ear == 257 and mag.has_delays
    assert mag.delay_coefficients.shape == (49, 2)
