"""Readable feedback for one scored answer (used by ``score`` and the practice loop)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the practice loop paints its first question before the scorer is imported
    from .rubric import Question
    from .scoring.aggregate import ScoreResult

_CODES = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1", "cyan": "36"}


def use_color(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if "NO_COLOR" in os.environ:
        return False
    return hasattr(stream, "isatty") and stream.isatty()


class Paint:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled:
            return text
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m"


def score_bar(score: float, width: int = 20) -> str:
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled) + f" {score * 100:3.0f}%"


def render_result(result: ScoreResult, question: Question, color: bool = False, hints: bool = True) -> str:
    p = Paint(color)
    kps = {kp.id: kp for kp in question.key_points}
    lines = [f"점수 {score_bar(result.score)}" + ("" if result.passed else p("  (필수 포인트 누락)", "yellow")
                                                     if any(k.required and not k.covered for k in result.key_points) else "")]
    for k in result.covered:
        quote = f' — "{k.evidence.text}"' if k.evidence else ""
        lines.append(p("✓ ", "green") + k.label + p(quote, "dim"))
    for k in result.contradicted:
        quote = f' — "{k.evidence.text}"' if k.evidence else ""
        lines.append(p("⚠ ", "red") + f"{k.label}: 반대로 말씀하셨어요" + p(quote, "dim"))
        for m in result.misconceptions:
            if m.contradicts == k.id:
                lines.append(f"    → {m.correction}")
    for k in result.missed:
        lines.append(p("✗ ", "yellow") + k.label)
        hint = kps[k.id].hint if k.id in kps else None
        if hints and hint:
            lines.append(p(f"    힌트: {hint}", "dim"))
    for m in result.misconceptions:
        if m.contradicts is None:
            lines.append(p("⚠ ", "red") + f'오개념 — "{m.evidence.text}"')
            lines.append(f"    → {m.correction}")
    return "\n".join(lines)
