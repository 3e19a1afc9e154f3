"""The type stubs (.pyi) list what the extensions define, and everything public has a docstring."""

import ast
from pathlib import Path

import pytest

import pinna
import pinna._pinna
import pinna.plot

PACKAGE = Path(pinna.__file__).parent
# Aliases the stubs define for annotations only.
TYPE_ALIASES = {"DirectionsLike", "DirectionLike", "PathLike", "Source", "FloatArray", "Float32Array", "ComplexArray",
                "IndexArray", "MinimumPhaseDelay", "ShRegularisation", "Method"}


def stub_names(path: Path) -> tuple:
    """({top-level name}, {class name: {member names}}) of a .pyi file."""
    tree = ast.parse(path.read_text())
    names, classes = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                n.name if isinstance(n, ast.FunctionDef) else n.target.id
                for n in node.body
                if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
    return names - TYPE_ALIASES, classes


def module_names(module) -> set:
    return {n for n in dir(module) if not n.startswith("_")} | ({"__version__"} if hasattr(module, "__version__") else set())


def check(module, stub: Path) -> None:
    names, classes = stub_names(stub)
    actual = module_names(module)
    assert names - actual == set(), f"in {stub.name} but not in {module.__name__}"
    assert actual - names == set(), f"in {module.__name__} but not in {stub.name}"
    for cls, members in classes.items():
        obj = getattr(module, cls)
        if issubclass(obj, BaseException):
            continue  # attributes set on instances
        # pybind11 gives every class an __init__ (raising when it has no constructor).
        public = {n for n in vars(obj) if not n.startswith("_") or n in ("__init__", "__len__")}
        assert members - public - {"__copy__", "__deepcopy__"} == set(), f"{cls}: stubbed but missing"
        assert public - members - {"__init__"} == set(), f"{cls}: defined but not stubbed"


def test_core_stubs_match_the_extension():
    check(pinna._pinna, PACKAGE / "_pinna.pyi")


def test_neural_stubs_match_the_extension(neural):
    import pinna._neural

    check(pinna._neural, PACKAGE / "_neural.pyi")


def test_public_functions_and_classes_have_docstrings():
    undocumented = []
    for name in module_names(pinna._pinna) - {"__version__"}:
        obj = getattr(pinna._pinna, name)
        if callable(obj) and not (obj.__doc__ or "").strip():
            undocumented.append(name)
    assert undocumented == []
    for name in pinna.plot.__all__:
        assert len(getattr(pinna.plot, name).__doc__ or "") > 40, name


@pytest.mark.parametrize("name", ["read_sofa", "compare", "upsample", "Interpolator", "QueryEngine"])
def test_docstrings_describe_the_main_calls(name):
    doc = getattr(pinna, name).__doc__
    assert len(doc) > 200, doc
