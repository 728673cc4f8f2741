"""Two guards on the mechanisms' source (issue 9, items 1 and 10).

**A. No bare coefficient in a mechanism.** Every coefficient is a declared
parameter (``sim/params.py``: unit, range, default, source) and every named
structural constant has its home in ``sim/constants.py`` (weeks and months per
year, the top rung of Arnstein's ladder, the tie-break, implementation
thresholds). A mechanism's code may hold no numeric literal other than the
structural 0, 1, 2 and -1 (0.0, 1.0, 2.0 alike); numbers inside docstrings and
other strings are text, not literals.

**B. The documented equations cannot drift.** Each mechanism's docstring is
rendered verbatim into ``docs/ODD.md`` (section ``equations`` of
:mod:`sim.docs`, kept current by ``tests/test_docs.py``). Here each docstring
is checked against its code where that can be done mechanically: every
parameter the code reads (``p.<name>``, ``levers.<name>``, ``s.levers.<name>``,
found with :mod:`ast`) is named in the docstring, and every parameter the
docstring names (````name````) is declared. Also, every declared parameter is
read by the model's code somewhere.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from pathlib import Path

import pytest

import sim.metrics
from sim import state
from sim.mechanisms import WEEKLY_ORDER
from sim.metrics import INDICATORS
from sim.params import Params

ROOT = Path(__file__).resolve().parent.parent
MECHANISMS = ROOT / "sim" / "mechanisms"
SPECS = Params.specs()


def _short(path_or_module) -> str:
    name = path_or_module.name if isinstance(path_or_module, Path) else path_or_module.__name__
    return name.removesuffix(".py").rsplit(".", 1)[-1]


# ============================================================================ A. no bare coefficient
STRUCTURAL = frozenset({0, 1, 2, -1})
"""The literals a mechanism may hold (0 == 0.0, 1 == 1.0, 2 == 2.0): identities, halves and doubles, "none"."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | complex) and not isinstance(value, bool)


def bare_coefficients(source: str, filename: str = "<source>") -> list[str]:
    """``"file:line: literal"`` for every numeric literal of ``source`` that is not structural.

    A minus sign belongs to its literal (``-1`` is structural, ``-3`` is not).
    """
    tree = ast.parse(source, filename)
    signed: set[int] = set()
    found = []
    for node in ast.walk(tree):  # breadth first: a UnaryOp is met before its operand
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = node.operand
            if isinstance(operand, ast.Constant) and _is_number(operand.value):
                signed.add(id(operand))
                value = -operand.value if isinstance(node.op, ast.USub) else operand.value
                if value not in STRUCTURAL:
                    found.append((node.lineno, ast.get_source_segment(source, node)))
        elif isinstance(node, ast.Constant) and _is_number(node.value) and id(node) not in signed:
            if node.value not in STRUCTURAL:
                found.append((node.lineno, ast.get_source_segment(source, node)))
    return [f"{filename}:{line}: {text}" for line, text in sorted(found)]


MECHANISM_FILES = sorted(MECHANISMS.glob("*.py"))


@pytest.mark.parametrize("path", MECHANISM_FILES, ids=_short)
def test_no_bare_coefficient_in_a_mechanism(path):
    found = bare_coefficients(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "numeric literals in a mechanism (declare a parameter in sim/params.py, or a named structural"
        " constant in sim/constants.py): " + "; ".join(found)
    )


def test_the_coefficient_guard_catches_a_planted_literal():
    planted = '''"""A docstring may say 0.35 or 52 weeks: that is text."""

def step(s, p, rng):
    """Neither is this docstring's 0.7 a literal."""
    s.orgs.reporting = 0.35 * p.reporting_pressure + 1.0
    s.users.trust *= 1 - 2.0 * p.trust_loss_waiting
    s.week = -1 + s.week
    s.x = -3 + 1e-9 + 0.0
'''
    assert bare_coefficients(planted, "planted.py") == [
        "planted.py:5: 0.35",
        "planted.py:8: -3",
        "planted.py:8: 1e-9",
    ]


def test_every_mechanism_file_is_checked():
    names = {_short(path) for path in MECHANISM_FILES}
    assert {_short(m) for m in WEEKLY_ORDER} <= names and "_common" in names


# ============================================================================ B. docstrings against code
DOCUMENTED = (*WEEKLY_ORDER, sim.metrics)

DERIVED = {
    "funding_weights": ("funding_market", "funding_redistribution", "funding_reciprocity"),  # Params property
    "offer": ("participation_level", "voice_exponent"),  # OrgLevers: (rung / 7) ^ voice_exponent
    "intake_rule": ("intake_priority",),  # OrgLevers: the rule's index
    "for_profit": ("kind",),  # OrgLevers: kind == "for_profit"
    "market": ("funding_market",),  # OrgLevers: each organisation's weights, normalised
    "redistribution": ("funding_redistribution",),
    "reciprocity": ("funding_reciprocity",),
    "burden": ("procedure_complexity", "conditionality"),  # OrgLevers: their mean
}
"""Values the code reads that are computed from parameters: named in a docstring by their name or their sources'."""


def test_derived_values_are_listed_with_their_sources():
    """A new Params property or OrgLevers array must be listed in DERIVED (so that its reads are checked)."""
    properties = {name for name, _ in inspect.getmembers(Params, lambda x: isinstance(x, property))}
    computed = set(vars(state.OrgLevers(Params()))) - set(SPECS)
    assert properties | computed == set(DERIVED)
    assert all(source in SPECS for sources in DERIVED.values() for source in sources)


def _tree(module) -> ast.Module:
    return ast.parse(inspect.getsource(module))


def parameter_reads(tree: ast.AST) -> set[str]:
    """Names read as ``p.<name>``, ``levers.<name>`` or ``<x>.levers.<name>``."""
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("p", "levers"):
            names.add(node.attr)
        elif isinstance(base, ast.Attribute) and base.attr == "levers":
            names.add(node.attr)
    return names


def unseen_aliases(tree: ast.AST) -> list[str]:
    """Places where parameters would be read under another name than ``p`` or ``levers`` (out of the guard's sight)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and isinstance(node.annotation, ast.Name) and node.annotation.id == "Params":
            if node.arg != "p":
                found.append(f"line {node.lineno}: a Params argument named {node.arg!r}")
        if isinstance(node, ast.Assign):
            pairs = []
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs += zip(target.elts, node.value.elts, strict=False)
                else:
                    pairs.append((target, node.value))
            for target, value in pairs:
                if isinstance(value, ast.Attribute) and value.attr == "levers" and isinstance(target, ast.Name):
                    if target.id != "levers":
                        found.append(f"line {node.lineno}: the levers bound to {target.id!r}")
    return found


def named(name: str, doc: str) -> bool:
    """``name`` appears in ``doc`` as a word (``caseload_cap_j``, with a subscript, counts)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9])", doc) is not None


def documented(name: str, doc: str) -> bool:
    return named(name, doc) or any(named(source, doc) for source in DERIVED.get(name, ()))


@pytest.mark.parametrize("module", DOCUMENTED, ids=_short)
def test_parameters_are_read_as_p_or_levers(module):
    assert not unseen_aliases(_tree(module)), f"{module.__name__}: {unseen_aliases(_tree(module))}"


@pytest.mark.parametrize(
    "module",
    DOCUMENTED,
    ids=_short,
)
def test_every_parameter_the_code_reads_is_named_in_its_docstring(module):
    doc = module.__doc__ or ""
    reads = parameter_reads(_tree(module))
    unknown = sorted(reads - set(SPECS) - set(DERIVED))
    assert not unknown, f"{module.__name__} reads {unknown}: neither declared parameters nor listed in DERIVED"
    missing = sorted(name for name in reads if not documented(name, doc))
    assert not missing, f"{module.__name__}: the code reads {missing} but its docstring does not name them"


STATUSES = {name for name in vars(state.Status) if name.isupper()}
STATE_FIELDS = {
    name
    for cls in (state.Users, state.Workers, state.Organisations, state.Territory)
    for name in cls.__dataclass_fields__
}
CHOICES = {choice for spec in SPECS.values() for choice in spec.choices}
KNOWN_NAMES = set(SPECS) | set(DERIVED) | STATE_FIELDS | STATUSES | CHOICES | set(INDICATORS)
"""What a name in double backquotes may be: a parameter, a derived value, a state variable, a status, a choice
of a parameter, an indicator."""
SUBSCRIPT = re.compile(r"_[a-z]$")  # ``intake_priority_j``: organisation j's value


def quoted_names(doc: str) -> set[str]:
    """Identifiers written alone in double backquotes (````name````, ````territory.need_factor````; not ````np.*````)."""
    found = re.findall(r"``([A-Za-z_][A-Za-z0-9_.]*)``", doc)
    return {m.rsplit(".", 1)[-1] for m in found if m.split(".", 1)[0] not in ("np", "numpy")}


def unknown_names(doc: str) -> list[str]:
    """Quoted names that are nothing known (a renamed or misspelt parameter), and unquoted words that look like
    parameters (two or more parts of three letters or more: ``reserve_cut_months``) but are not known."""
    bad = {n for n in quoted_names(doc) if n not in KNOWN_NAMES and SUBSCRIPT.sub("", n) not in KNOWN_NAMES}
    text = re.sub(r"``[^`]*``", " ", doc)
    for word in re.findall(r"(?<![\w`.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+", text):
        stem = SUBSCRIPT.sub("", word)
        if sum(len(part) >= 3 for part in stem.split("_")) >= 2 and stem not in KNOWN_NAMES:
            bad.add(word)
    return sorted(bad)


def test_the_name_check_catches_a_renamed_parameter():
    assert unknown_names("hiring is frozen when R_j < ``reserve_freeze_months`` (``caseload_cap_j``)") == []
    assert unknown_names("posts are cut once R_j <= ``reserve_cut_month``") == ["reserve_cut_month"]
    assert unknown_names("the weekly hazard quit_rate_base x exp(...)") == ["quit_rate_base"]
    assert unknown_names("score_j = resolved_j / (cost_j x worker-years_j), a_0 = 1") == []


@pytest.mark.parametrize("module", DOCUMENTED, ids=_short)
def test_every_parameter_a_docstring_names_is_declared(module):
    bad = unknown_names(module.__doc__ or "")
    assert not bad, f"{module.__name__}: its docstring names {bad}, which are not declared parameters (nor state)"


MODEL_CODE = [
    *MECHANISM_FILES,
    *(ROOT / "sim" / name for name in ("state.py", "model.py", "metrics.py", "network.py", "agents.py")),
]
NOT_YET_READ: dict[str, str] = {}
"""Declared parameters known to be read nowhere (strict xfail: remove the entry once the model reads it)."""


@functools.cache
def parameters_read_by_the_model() -> frozenset[str]:
    read = set()
    for path in MODEL_CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                read.add(node.attr)
                read.update(DERIVED.get(node.attr, ()))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                read.add(node.value)  # p.org_array("catchment_weight")
    return frozenset(read & set(SPECS))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_READ[n])) if n in NOT_YET_READ else n
        for n in SPECS
    ],
)
def test_every_declared_parameter_is_read_by_the_model(name):
    assert name in parameters_read_by_the_model(), f"{name} is declared in sim/params.py but the model never reads it"
