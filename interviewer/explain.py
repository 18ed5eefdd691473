"""``--explain``: what normalisation did to an answer and why each key point did or didn't match."""

from __future__ import annotations

from .scoring.aggregate import ScoreResult
from .scoring.analysis import explain_steps
from .scoring.match import QuestionMatch


def render_explain(scorer, analysis, match: QuestionMatch, result: ScoreResult) -> str:
    t = scorer.settings.threshold
    lines = ["[정규화 normalisation]"]
    for step, shown in explain_steps(analysis):
        lines.append(f"  {step:<10} {shown}")
    synonyms = scorer.glossary.canonical(analysis)
    lines.append(f"  {'synonyms':<10} " + (" ".join(u.key for u in synonyms) or "(none)"))
    lines.append(f"[판단 matching]  threshold={t:g}  {scorer.signature}")
    for i, kp in enumerate(result.key_points):
        verdict = "covered" if kp.covered else "contradicted" if kp.contradicted else "missed"
        lines.append(f"  {kp.id}: {verdict} (best similarity {kp.similarity:.2f} vs threshold {t:g})")
        topics = scorer.compiled(match.question).topics.get(i)
        if topics:  # windows in a clause whose topic is a rival don't count (match._rival_topic)
            lines.append(f"    (about {' '.join(sorted(topics[0]))}; not in a clause whose topic is {' '.join(sorted(topics[1]))})")
        rows = [
            (target, st)
            for target, st in zip(match.targets, match.stats)
            if target.owner == "kp" and target.index == i
        ]
        rows.sort(key=lambda r: -max((s.score for s in (r[1].support, r[1].conflict) if s), default=0.0))
        for target, st in rows[:3]:
            sup = f"support {st.support.score:.2f} \"{match.text[st.support.start:st.support.end]}\"" if st.support else "support -"
            con = f"conflict {st.conflict.score:.2f} \"{match.text[st.conflict.start:st.conflict.end]}\"" if st.conflict else "conflict -"
            origin = target.expanded_from
            via = "" if not origin else f" (via {origin})" if origin.startswith("bank ") else f" (via concept {origin})"
            neg = " [negative phrase]" if target.negative else ""
            lines.append(f"    \"{target.text}\"{neg}{via} -> {' '.join(target.keys)}: {sup}; {con}")
    for m in result.misconceptions:
        lines.append(f"  misconception {m.id}: \"{m.evidence.text}\" ({m.similarity:.2f})")
    return "\n".join(lines)
