"""Reading and writing SOFA files; HrirSet as NumPy arrays; errors as exceptions."""

import copy
import pathlib
import pickle

import numpy as np
import pytest

import pinna
from conftest import assert_sets_equal, dataset_file, run_cli_json


def test_read_gives_the_cli_numbers(kemar_path, cli):
    s = pinna.read_sofa(kemar_path)
    info = run_cli_json(cli, "info", kemar_path, "--json")
    assert s.irs.shape == (info["measurements"], 2, info["taps"]) == (710, 2, 512)
    assert s.sample_rate_hz == info["sample_rate_hz"] == 44100
    assert len(s) == s.measurements == 710 and s.taps == 512
    stats = pinna.grid_statistics(s)
    for key, value in info["grid"].items():
        assert stats[key] == pytest.approx(value, rel=1e-8), key
    assert s.metadata.source_convention == "SimpleFreeFieldHRIR"
    assert s.metadata.source_path == str(kemar_path)
    assert dict(s.metadata.attributes)["History"] == info["metadata"]["History"]


def test_arrays_have_the_documented_shapes_and_dtypes(kemar):
    assert kemar.irs.dtype == np.float32 and kemar.irs.shape == (710, 2, 512)
    assert kemar.directions.dtype == np.float64 and kemar.directions.shape == (710, 3)
    assert kemar.delays is None and not kemar.has_delays
    assert kemar.irs.flags.c_contiguous and kemar.directions.flags.c_contiguous
    # SOFA convention: azimuth in [0, 360), elevation in [-90, 90], KEMAR at 1.4 m.
    assert kemar.directions[:, 0].min() >= 0 and kemar.directions[:, 0].max() < 360
    assert np.allclose(kemar.directions[:, 2], 1.4)


def test_irs_are_a_zero_copy_view_that_keeps_the_set_alive(kemar_path):
    s = pinna.read_sofa(kemar_path)
    irs = s.irs
    assert irs.base is s  # the NumPy array's owner is the C++ set
    assert np.shares_memory(irs, s.irs)
    before = float(irs[3, 1, 7])
    irs[3, 1, 7] = 0.25
    assert s.irs[3, 1, 7] == 0.25  # writes go to the set
    s.irs = np.zeros_like(irs)  # assignment copies in place: old views see it
    assert irs[3, 1, 7] == 0 and before != 0
    d = s.directions
    del s  # the views hold the set
    assert irs.shape == (710, 2, 512) and d.shape == (710, 3) and np.all(irs == 0)


def test_read_from_path_like_and_bytes_agree(kemar_path, kemar):
    from_pathlib = pinna.read_sofa(pathlib.Path(kemar_path))
    data = kemar_path.read_bytes()
    from_bytes = pinna.read_sofa(data, name="kemar.sofa")
    from_view = pinna.read_sofa(memoryview(bytearray(data)))
    not_isolated = pinna.read_sofa(kemar_path, isolate=False)
    for other in (from_pathlib, from_bytes, from_view, not_isolated):
        assert_sets_equal(kemar, other)
        np.testing.assert_array_equal(kemar.directions, other.directions)


def test_write_then_read_round_trips_exactly(kemar, tmp_path, cli):
    path = tmp_path / "copy.sofa"
    s = kemar.subset(range(0, 710, 7))
    s.metadata.title = "every 7th KEMAR direction"
    pinna.write_sofa(s, path)
    back = pinna.read_sofa(path)
    assert_sets_equal(s, back)
    np.testing.assert_allclose(back.directions, s.directions, atol=1e-5)
    assert back.metadata.title == "every 7th KEMAR direction"
    info = run_cli_json(cli, "info", path, "--json")
    assert info["measurements"] == len(s) and info["convention"] == "SimpleFreeFieldHRIR"
    assert pinna.verify_sofa(path).count("error") == 0


def test_a_set_built_from_arrays(tmp_path):
    rng = np.random.default_rng(1)
    irs = rng.standard_normal((4, 2, 32)).astype(np.float64)  # converted to float32
    dirs = [[0, 0], [90, 0], [180, 0], [270, 0]]
    s = pinna.HrirSet(irs, dirs, 48000.0, delays=np.full((4, 2), 3.0))
    s.validate()
    assert s.irs.dtype == np.float32 and np.allclose(s.irs, irs, atol=1e-6)
    np.testing.assert_array_equal(s.directions[:, 2], 1.0)  # distance 1 m when absent
    assert s.has_delays and s.delays.shape == (4, 2)
    applied = pinna.with_delays_applied(s)
    assert applied.delays is None and applied.taps >= 35
    np.testing.assert_allclose(applied.irs[:, :, 3:35], s.irs, atol=1e-6)  # 3 whole samples
    pinna.write_sofa(s, tmp_path / "made.sofa")
    back = pinna.read_sofa(tmp_path / "made.sofa", apply_delays=False)
    np.testing.assert_array_equal(back.delays, s.delays)


def test_copy_pickle_subset_and_with_taps(kemar):
    for other in (kemar.copy(), copy.copy(kemar), copy.deepcopy(kemar), pickle.loads(pickle.dumps(kemar))):
        assert_sets_equal(kemar, other)
        assert not np.shares_memory(other.irs, kemar.irs)
    assert pickle.loads(pickle.dumps(kemar)).metadata.attributes == kemar.metadata.attributes
    sub = kemar.subset([5, 2])
    np.testing.assert_array_equal(sub.irs, kemar.irs[[5, 2]])
    np.testing.assert_array_equal(sub.directions, kemar.directions[[5, 2]])
    short = kemar.with_taps(128)
    assert short.taps == 128 and kemar.taps == 512
    np.testing.assert_array_equal(short.irs, kemar.irs[:, :, :128])


def test_data_delay_is_applied_or_kept():
    path = dataset_file("sofa-zoo", "CIPIC_subject_003_hrir_final_itdInDelayField.sofa")
    kept = pinna.read_sofa(path, apply_delays=False)
    applied = pinna.read_sofa(path)
    assert kept.has_delays and kept.delays.shape == (len(kept), 2) and kept.delays.dtype == np.float64
    assert applied.delays is None
    assert_sets_equal(pinna.with_delays_applied(kept), applied)


def test_describe_and_verify():
    summary = pinna.describe_sofa(dataset_file("sofa-zoo", "hpir_nh5.sofa"))
    assert not summary.hrir_set and summary.why_not
    v = pinna.verify_sofa(dataset_file("sofa-zoo", "MIT_KEMAR_normal_pinna.sofa"))
    assert v.convention == "SimpleFreeFieldHRIR"
    assert all(p.severity in ("error", "warning", "info") for p in v.problems)


# ---------------------------------------------------------------------------------------
# Errors become Python exceptions of matching classes


def test_error_classes_mirror_the_cpp_hierarchy():
    assert issubclass(pinna.IoError, pinna.Error) and issubclass(pinna.IoError, OSError)
    for cls in (pinna.MalformedFileError, pinna.UnsupportedConventionError, pinna.InvalidDataError,
                pinna.InvalidArgumentError):
        assert issubclass(cls, pinna.Error) and issubclass(cls, ValueError)
    assert issubclass(pinna.ModelError, pinna.Error) and issubclass(pinna.ModelError, RuntimeError)
    assert issubclass(pinna.TooFewDirectionsError, pinna.InvalidDataError)


def test_missing_file_is_an_io_error(tmp_path):
    missing = tmp_path / "missing.sofa"
    with pytest.raises(pinna.IoError, match="missing.sofa") as e:
        pinna.read_sofa(missing)
    assert e.value.kind == "io"
    with pytest.raises(OSError):  # catchable as the built-in class too
        pinna.read_sofa(missing)


def test_malformed_bytes_and_files():
    with pytest.raises(pinna.MalformedFileError, match="junk.sofa") as e:
        pinna.read_sofa(b"\x89HDF\r\n\x1a\n" + b"\0" * 64, name="junk.sofa")
    assert e.value.kind == "malformed_file"
    with pytest.raises(pinna.MalformedFileError, match="<bytes>"):
        pinna.read_sofa(bytearray(b"not a SOFA file at all"))


def test_malformed_file_from_the_datasets():
    with pytest.raises(pinna.MalformedFileError, match="fail-issue-130.sofa"):
        pinna.read_sofa(dataset_file("malformed", "fail-issue-130.sofa"))


def test_unsupported_convention():
    with pytest.raises(pinna.UnsupportedConventionError) as e:
        pinna.read_sofa(dataset_file("sofa-zoo", "ARI_NH4_4_freqs.sofa"))
    assert e.value.kind == "unsupported_convention"


def test_invalid_data_and_arguments(tmp_path, kemar):
    bad = kemar.subset([0, 1])
    bad.irs[0, 0, 0] = np.nan
    with pytest.raises(pinna.InvalidDataError, match="bad.sofa"):
        pinna.write_sofa(bad, tmp_path / "bad.sofa")
    assert not (tmp_path / "bad.sofa").exists()  # atomic: nothing left
    with pytest.raises(pinna.InvalidArgumentError):
        kemar.subset([710])
    with pytest.raises(pinna.InvalidArgumentError):
        pinna.write_sofa(kemar, tmp_path / "x.sofa", compression_level=12)
    with pytest.raises(ValueError, match=r"\[\*, 2, \*\]"):
        pinna.HrirSet(np.zeros((3, 3, 8)), [[0, 0]] * 3, 48000)
    with pytest.raises(pinna.InvalidArgumentError, match="directions"):
        pinna.HrirSet(np.zeros((3, 2, 8)), np.zeros((3, 4)), 48000)
    with pytest.raises(pinna.InvalidArgumentError):
        pinna.read_sofa(12345)
    with pytest.raises(pinna.InvalidArgumentError, match=r"\[710, 2, 512\], got \[709, 2, 512\]"):
        kemar.irs = np.zeros((709, 2, 512))
