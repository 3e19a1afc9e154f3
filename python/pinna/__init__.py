"""pinna: personalized HRTFs from Python.

Bindings over pinna's C++ core (libpinna): SOFA files in and out, HRIR sets as NumPy
arrays, spectra and other representations, spherical harmonics, interpolation and
upsampling, real-time queries, the LAP challenge's metrics and a localization model; the
neural models (upsampler, personalization, autoencoder) when pinna was built with
LibTorch; and the pictures in :mod:`pinna.plot`.

Directions are float64 arrays [M, 3] of (azimuth_deg, elevation_deg, distance_m) in the
SOFA convention (x front, y left, z up; azimuth counter-clockwise from the front, so 90 is
left; elevation up); [M, 2] is accepted where directions go in. ITDs are
t_right - t_left (positive for sources on the left), ILDs left minus right.

Errors are :class:`pinna.Error` subclasses mirroring pinna's C++ ones: IoError (also an
OSError), MalformedFileError, UnsupportedConventionError, InvalidDataError and
InvalidArgumentError (also ValueErrors), ModelError (also a RuntimeError).

See docs/python.md.
"""

from ._pinna import *  # noqa: F401,F403  (the C++ API; its names are listed in _pinna.pyi)
from ._pinna import __version__  # noqa: F401

_NEURAL_NAMES = (
    "Upsampler",
    "PersonalizationModel",
    "LatentCodec",
    "LatentCodes",
    "set_model_threads",
    "model_threads",
    "model_directory",
    "default_model_path",
)


def _load_neural():
    """The LibTorch runners (pinna._neural), imported on first use: loading LibTorch takes
    a moment and memory that `import pinna` should not cost."""
    try:
        from . import _neural
    except ImportError as e:
        raise ImportError(
            "pinna was built without LibTorch, so its neural models are not available "
            "(apt-get install libtorch-dev, then rebuild pinna)"
        ) from e
    return _neural


def has_torch() -> bool:
    """True when pinna's neural runners (pinna._neural, LibTorch) are built and load."""
    try:
        _load_neural()
    except ImportError:
        return False
    return True


def __getattr__(name):
    if name in _NEURAL_NAMES:
        value = getattr(_load_neural(), name)
        globals()[name] = value
        return value
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'pinna' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_NEURAL_NAMES) | {"plot"})
