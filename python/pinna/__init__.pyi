# Type stubs of the package: the C++ core (_pinna), the LibTorch runners (_neural, loaded
# on first use) and the pictures (plot, imported on first use).
from . import plot as plot
from ._neural import (
    LatentCodec as LatentCodec,
    LatentCodes as LatentCodes,
    PersonalizationModel as PersonalizationModel,
    Upsampler as Upsampler,
    default_model_path as default_model_path,
    model_directory as model_directory,
    model_threads as model_threads,
    set_model_threads as set_model_threads,
)
from ._pinna import *
from ._pinna import __version__ as __version__

def has_torch() -> bool: ...
