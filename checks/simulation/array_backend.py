"""Array backends for the ridge fits: numpy (default) or PyTorch on CPU or GPU.

Random numbers are always drawn with numpy on the host (the same ``SeedSequence`` tree
whatever the backend), and only the fit's linear algebra -- the part that costs
``n p²`` or ``p³`` flops -- moves to the backend.  So the torch path, on CPU or CUDA,
reproduces the numpy path to float64 rounding for the same seed.

Why PyTorch rather than CuPy: PyTorch ships a CPU build, so the very same torch code
path is exercised by the test suite on machines without a GPU; CuPy needs a CUDA device
to import at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iclverify.checks.simulation.run_config import RUN_SETTINGS

__all__ = ["BACKENDS", "ArrayBackend", "get_backend", "torch_available"]

#: Accepted backend specifications (declared once, as the ``device`` run setting: ``iclverify.theory.domains.DEVICES``).
BACKENDS = RUN_SETTINGS["device"].domain.choices


@dataclass(frozen=True)
class ArrayBackend:
    """A resolved backend: ``name`` is ``"numpy"`` or ``"torch"``; ``device`` for torch."""

    name: str
    device: str = "cpu"

    @property
    def is_numpy(self) -> bool:
        return self.name == "numpy"

    def describe(self) -> str:
        return "numpy" if self.is_numpy else f"torch ({self.device})"


def torch_available(cuda: bool = False) -> bool:
    """Whether torch imports (and, with ``cuda=True``, sees a CUDA device)."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available()) if cuda else True


def get_backend(spec: Any = "numpy") -> ArrayBackend:
    """Resolve a backend specification.

    Parameters
    ----------
    spec : str or ArrayBackend
        ``"numpy"``/``"cpu"`` (default), ``"torch"`` (CUDA if available, else CPU),
        ``"torch:cpu"``, ``"torch:cuda"`` or ``"gpu"`` (= ``"torch:cuda"``).

    Raises
    ------
    ValueError
        Unknown specification, torch not installed, or no CUDA device for a GPU request
        (the message says how to install the ``gpu`` extra).

    Examples
    --------
    >>> get_backend("numpy").describe()
    'numpy'
    """
    if isinstance(spec, ArrayBackend):
        return spec
    RUN_SETTINGS["device"].check("backend", spec)  # the declared devices, named "backend" as this argument
    if spec in ("numpy", "cpu"):
        return ArrayBackend("numpy")
    if not torch_available():
        raise ValueError(f"backend={spec!r} needs PyTorch: pip install 'icl-verifier[gpu]' "
                         "(or torch==<version> for a CPU build)")
    import torch

    if spec == "torch":
        return ArrayBackend("torch", "cuda" if torch.cuda.is_available() else "cpu")
    if spec == "torch:cpu":
        return ArrayBackend("torch", "cpu")
    if not torch.cuda.is_available():
        raise ValueError(f"backend={spec!r}: torch sees no CUDA device on this machine")
    return ArrayBackend("torch", "cuda")
