"""The debrief's timeline: what happened, when, and why, built from the model's event log and the trainee's choices."""
from __future__ import annotations

from dataclasses import dataclass

from sim import EventKind
from sim.exercise.runtime import choice_in

from .. import theme

COMPLAINT_BUCKET_MIN = 30.0


@dataclass(frozen=True)
class Entry:
    """One line of the timeline and the sentence that explains it."""

    time: float
    text: str
    why: str
    colour: tuple


def build_timeline(session, t, local) -> list[Entry]:
    """Entries in time order; ``t`` looks up UI labels, ``local`` translates scenario texts."""
    run = session.run
    entries: list[Entry] = []

    def name_of(cid: int) -> str:
        cast = run.cast_of.get(cid)
        return local(run.cast_members[cast].name) if cast is not None else f"#{cid}"

    for happening in run.happenings:
        if happening.kind == "inject":
            inject = run.injects[happening.ref]
            entries.append(Entry(happening.time, t("timeline.inject", title=local(inject.title)), local(inject.cue),
                                 theme.INJECT_COLOURS.get(inject.kind, theme.ACCENT)))
    for record in run.records:
        decision = run.decisions[record.decision]
        choice = choice_in(decision, record.choice)
        speaker = local(decision.speaker) if decision.speaker is not None else name_of(record.customer)
        key = "timeline.choice_timeout" if record.timed_out else "timeline.choice"
        why = local(choice.feedback)
        if record.mood_before is not None and record.mood_after is not None:
            why += " " + t("timeline.why_mood", before=t(theme.mood_word_key(record.mood_before)),
                           after=t(theme.mood_word_key(record.mood_after)))
        bad = bool(choice.flags) or choice.mood < 0
        entries.append(Entry(record.time, t(key, name=speaker, choice=local(choice.text)), why, theme.BAD if bad else theme.GOOD))
    for step in run.steps:
        verb = run.verbs[step.verb]
        if step.cast is not None:
            target = local(run.cast_members[step.cast].name)
        elif step.role is not None:
            role = session.scenario.staff[step.role]
            target = local(role.label) if role.label is not None else step.role
        elif step.segment is not None:
            segment = session.scenario.segments[step.segment]
            target = local(segment.label) if segment.label is not None else step.segment
        else:
            target = t("timeline.everyone")
        follows = ", ".join(t(f"lesson.{lesson}") for lesson in verb.follows)
        entries.append(Entry(step.time, t("timeline.verb", action=local(verb.label), target=target), follows, theme.ACCENT))
    entries.extend(_model_entries(session, t, local, name_of))
    entries.sort(key=lambda e: e.time)
    return entries


def _model_entries(session, t, local, name_of) -> list[Entry]:
    run, model = session.run, session.model
    entries: list[Entry] = []
    disruptions = {d.id: d for d in (session.scenario.failures.disruptions if session.scenario.failures else [])}
    buckets: dict[int, int] = {}
    for event in model.events or []:
        cast = event.customer in run.cast_of
        if event.kind is EventKind.DISRUPTION:
            spec = disruptions.get(event.detail.get("id"))
            label = local(spec.label) if spec is not None and spec.label is not None else event.detail.get("id", "")
            entries.append(Entry(event.time, t("timeline.disruption", label=label), "", theme.WARN))
        elif event.kind is EventKind.FAILURE and cast and not event.detail.get("prevented"):
            severity = t(f"severity.{event.detail.get('severity', 'minor')}")
            entries.append(Entry(event.time, t("timeline.failure", name=name_of(event.customer), severity=severity), "", theme.BAD))
        elif event.kind is EventKind.COMPLAINT:
            if cast:
                entries.append(Entry(event.time, t("timeline.cast_complaint", name=name_of(event.customer)), "", theme.BAD))
            else:
                bucket = int(event.time // COMPLAINT_BUCKET_MIN)
                buckets[bucket] = buckets.get(bucket, 0) + 1
        elif event.kind is EventKind.DEPARTURE and cast:
            entries.append(_departure(event, name_of(event.customer), t))
    for bucket, count in buckets.items():
        entries.append(Entry(bucket * COMPLAINT_BUCKET_MIN, t("timeline.complaints", count=count), "", theme.WARN))
    return entries


def _departure(event, name: str, t) -> Entry:
    path, stays = event.detail.get("path"), event.detail.get("stays")
    why = t(f"path.{path}") if path else ""
    if stays is False:
        return Entry(event.time, t("timeline.left_lost", name=name), why, theme.BAD)
    if path in ("silent", "unresolved"):
        return Entry(event.time, t("timeline.left_unhappy", name=name), why, theme.WARN)
    return Entry(event.time, t("timeline.left_happy", name=name), why, theme.GOOD)
