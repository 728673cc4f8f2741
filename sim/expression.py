"""A small, safe language for conditions on results: ``aller_vers - npm > 0``, ``non_recourse > 0.4 and npm < 0.3``.

The grammar is a strict subset of Python expressions, read with :func:`ast.parse`
(which only parses: nothing is executed) and then checked node by node:

* numbers (``0``, ``0.05``, ``1e-3``) and names (``npm``, ``non_recourse``) or
  dotted names (``aller_vers.non_recourse``), whose meaning the caller gives;
* arithmetic ``+ - * /``, signs ``-x``, parentheses;
* comparisons ``< <= > >= == !=``, also chained (``0 < npm - alliance < 0.1``);
* ``and``, ``or``, ``not`` between conditions.

Anything else — a call, an attribute of something other than a name, a string,
a subscript, ``**``, ``if ... else``, a lambda — is refused with one line naming
the part that is not allowed. Types are checked too: arithmetic and comparisons
take numbers, ``and``/``or``/``not`` take conditions, and the whole expression
must be a condition. :func:`evaluate` computes it element-wise on numpy arrays.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

MAX_LENGTH = 1000
GRAMMAR = (
    "numbers, names, + - * /, comparisons (< <= > >= == !=), and, or, not and parentheses, e.g. 'aller_vers - npm > 0'"
)
ARITHMETIC: dict[type, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
COMPARISONS: dict[type, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
SYMBOLS = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
NUMBER, CONDITION = "a number", "a condition"


@dataclass(frozen=True)
class Expression:
    """A checked condition: its text, its tree and the names it uses (dotted names as ``a.b``)."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]


def parse(text: str, where: str = "--where") -> Expression:
    """Check ``text`` against the grammar; raise InputError (one line, located at ``where``) otherwise."""
    if not text.strip():
        raise _error(where, text, "empty; expected a condition made of " + GRAMMAR)
    if len(text) > MAX_LENGTH:
        raise _error(where, text[:40] + "...", f"longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise _error(where, text, f"not an expression ({err.msg}); expected " + GRAMMAR) from None
    except (RecursionError, MemoryError, ValueError):
        raise _error(where, text, "too deeply nested or not text") from None
    names: dict[str, None] = {}
    if _kind(tree, text, where, names) != CONDITION:
        raise _error(where, text, "is a number, not a condition; compare it, e.g. 'aller_vers - npm > 0'")
    return Expression(text=text.strip(), tree=tree, names=tuple(names))


def evaluate(expression: Expression, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The condition, element-wise, with ``values[name]`` for every name of ``expression.names``.

    Division by zero gives an infinity or NaN; a comparison with NaN is false.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(_value(expression.tree, values), dtype=bool)


# ---------------------------------------------------------------------------- checking
def _kind(node: ast.expr, text: str, where: str, names: dict[str, None]) -> str:
    """NUMBER or CONDITION for an allowed node (collecting its names); InputError for anything else."""
    match node:
        case ast.Constant(value=value) if isinstance(value, int | float) and not isinstance(value, bool):
            return NUMBER
        case ast.Name(id=name):
            names[name] = None
            return NUMBER
        case ast.Attribute(value=ast.Name(id=first), attr=second):
            names[f"{first}.{second}"] = None
            return NUMBER
        case ast.BinOp(left=left, op=op, right=right) if type(op) in ARITHMETIC:
            _want(left, NUMBER, text, where, names)
            _want(right, NUMBER, text, where, names)
            return NUMBER
        case ast.UnaryOp(op=ast.USub() | ast.UAdd(), operand=operand):
            _want(operand, NUMBER, text, where, names)
            return NUMBER
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            _want(operand, CONDITION, text, where, names)
            return CONDITION
        case ast.Compare(left=left, ops=ops, comparators=rest) if all(type(op) in COMPARISONS for op in ops):
            for part in (left, *rest):
                _want(part, NUMBER, text, where, names)
            return CONDITION
        case ast.BoolOp(values=parts):
            for part in parts:
                _want(part, CONDITION, text, where, names)
            return CONDITION
    raise _error(where, text, f"{_describe(node, text)} is not allowed; use only " + GRAMMAR)


def _want(node: ast.expr, kind: str, text: str, where: str, names: dict[str, None]) -> None:
    found = _kind(node, text, where, names)
    if found != kind:
        piece = ast.get_source_segment(text.strip(), node) or ast.unparse(node)
        raise _error(where, text, f"{piece!r} is {found} where {kind} is expected")


def _describe(node: ast.expr, text: str) -> str:
    """What a refused node is, in a few words."""
    operators = [getattr(node, "op", None), *getattr(node, "ops", ())]
    for op in operators:
        if type(op) in SYMBOLS:
            return f"the operator {SYMBOLS[type(op)]}"
    piece = ast.get_source_segment(text.strip(), node) or ast.unparse(node)
    kinds = {
        ast.Call: "a call",
        ast.Attribute: "an attribute",
        ast.Subscript: "a subscript",
        ast.Constant: "a value other than a number",
        ast.Lambda: "a lambda",
        ast.IfExp: "an if-else",
    }
    kind = next((v for k, v in kinds.items() if isinstance(node, k)), type(node).__name__)
    return f"{kind} ({piece!r})"


def _error(where: str, text: str, problem: str) -> InputError:
    return InputError(f"{text.strip()!r}: {problem}", where=where)


# ---------------------------------------------------------------------------- evaluating
def _value(node: ast.expr, values: Mapping[str, np.ndarray]) -> np.ndarray | float:
    match node:
        case ast.Constant(value=value):
            return float(value)
        case ast.Name(id=name):
            return values[name]
        case ast.Attribute(value=ast.Name(id=first), attr=second):
            return values[f"{first}.{second}"]
        case ast.BinOp(left=left, op=op, right=right):
            return ARITHMETIC[type(op)](_value(left, values), _value(right, values))
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_value(operand, values)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _value(operand, values)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return np.logical_not(_value(operand, values))
        case ast.Compare(left=left, ops=ops, comparators=rest):
            terms = [_value(part, values) for part in (left, *rest)]
            checks = [COMPARISONS[type(op)](a, b) for op, a, b in zip(ops, terms, terms[1:], strict=False)]
            return np.logical_and.reduce(checks) if len(checks) > 1 else checks[0]
        case ast.BoolOp(op=op, values=parts):
            combine = np.logical_and if isinstance(op, ast.And) else np.logical_or
            return combine.reduce([_value(part, values) for part in parts])
    raise AssertionError(f"unchecked node {ast.dump(node)}")  # parse() lets no other node through
