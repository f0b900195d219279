"""An indicator's formula: arithmetic over the base measures, parsed once, checked, evaluated in Decimal.

The language is closed on purpose: measure names, decimal numbers, + - * /, unary minus and parentheses. A general
expression evaluator (simpleeval, asteval) also admits strings, conditionals, comparisons and attribute access,
which a declared indicator must never carry; so the formula is parsed with `ast` and every node is checked
against this list. Division by zero gives zero: a unit with no staff has no per-staff figure to speak of, and a
monitor must list it all the same.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from handlers.errors import InvalidInput

MAX_LENGTH = 200
FIELD = "formula"

# The only nodes besides names and numbers: + - * /, unary minus and plus (parentheses leave no node).
_ALLOWED = (ast.BinOp, ast.UnaryOp, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    measures: frozenset[str]

    def value(self, measures: Mapping[str, Decimal | int]) -> Decimal:
        return _evaluate(self.tree, measures)


def parse(text: str, known: Collection[str]) -> Formula:
    """The formula, or an error naming the field: unknown measure, an operator outside the language, bad syntax."""
    text = text.strip()
    if not text:
        raise InvalidInput("请填写计算公式", field=FIELD, code="invalid_formula")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(f"计算公式不能超过{MAX_LENGTH}个字符", field=FIELD, code="invalid_formula")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise InvalidInput("计算公式写法有误", field=FIELD, code="invalid_formula") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in known:
                raise InvalidInput(
                    f"计算公式中的指标“{node.id}”不存在，可用：{'、'.join(sorted(known))}",
                    field=FIELD,
                    code="unknown_measure",
                )
            names.add(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise InvalidInput("计算公式只能包含数字和指标名称", field=FIELD, code="invalid_formula")
        elif not isinstance(node, _ALLOWED):
            raise InvalidInput("计算公式只能使用加减乘除和括号", field=FIELD, code="invalid_formula")
    return Formula(text, tree, frozenset(names))


def readable(text: str, labels: Mapping[str, str]) -> str:
    """The formula as a person reads it: measures by their Chinese names, × and ÷ ("deals * 5" → "成交项目数 × 5")."""
    named = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: labels.get(m.group(0), m.group(0)), text)
    return re.sub(r"\s*([*/+-])\s*", lambda m: f" {_SIGNS.get(m.group(1), m.group(1))} ", named).strip()


_SIGNS = {"*": "×", "/": "÷", "-": "−"}


def _evaluate(node: ast.expr, measures: Mapping[str, Decimal | int]) -> Decimal:
    if isinstance(node, ast.Name):
        return Decimal(measures.get(node.id, 0))
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, measures)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, measures), _evaluate(node.right, measures)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        try:
            return left / right if right else Decimal(0)
        except InvalidOperation:
            return Decimal(0)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # parse() admits nothing else
