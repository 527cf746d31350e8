"""Schema of the training exercise built on a scenario: the trainee's role, the venue, the cast,
scripted injects and decision points with their choices.

Positions are in a logical 1280 x 720 space; the game scales them to the window. Times are model
minutes from opening. The cross-checks against the rest of the scenario (segments, staff roles,
recovery actions, policy choices) are in :meth:`Exercise.problems_against`.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Minutes, StrictModel, Text
from .policies import OperationSettings

LOGICAL_WIDTH, LOGICAL_HEIGHT = 1280, 720

Principle = Literal["prevent", "encourage_complaints", "act_fast", "learn"]
"""The four principles of recovery management (DOMAIN.md)."""
PRINCIPLES: tuple[Principle, ...] = ("prevent", "encourage_complaints", "act_fast", "learn")

Dimension = Literal[
    "acknowledgement", "apology", "explanation", "empathy", "urgent_reinstatement",
    "compensation", "symbolic_atonement", "follow_up",
]
"""Recovery dimensions of Bell & Zemke (1987) and Boshoff & Leong (1998)."""
DIMENSIONS: tuple[Dimension, ...] = (
    "acknowledgement", "apology", "explanation", "empathy", "urgent_reinstatement",
    "compensation", "symbolic_atonement", "follow_up",
)

Lesson = Literal[
    "prevent", "encourage_complaints", "act_fast", "learn",
    "acknowledgement", "apology", "explanation", "empathy", "urgent_reinstatement",
    "compensation", "symbolic_atonement", "follow_up",
]
"""A principle or a recovery dimension that a choice follows or breaks."""

HESITATED = "hesitated"
"""The answer recorded when the trainee lets a dialog's timer run out: nothing said, nothing done."""

Flag = Literal["forbidden_phrase", "blame_shifting", "rules", "deflection", "empty_promise", "silence"]
"""Marks of a tempting bad response, shown in the debrief."""

ActionKind = Literal["recover", "fail", "mood", "tag", "prioritise", "reassign", "spawn", "complete"]
Target = Literal["customer", "segment", "everyone", "staff"]

X = Annotated[float, Field(ge=0, le=LOGICAL_WIDTH)]
Y = Annotated[float, Field(ge=0, le=LOGICAL_HEIGHT)]
Mood = Annotated[float, Field(ge=-1.0, le=1.0)]


class Point(StrictModel):
    """A point of the venue in logical coordinates."""

    x: X
    y: Y


class Rect(StrictModel):
    """A rectangle of the venue in logical coordinates (left, top, width, height)."""

    x: X
    y: Y
    w: Annotated[float, Field(gt=0, le=LOGICAL_WIDTH)]
    h: Annotated[float, Field(gt=0, le=LOGICAL_HEIGHT)]

    @model_validator(mode="after")
    def _inside(self) -> "Rect":
        if self.x + self.w > LOGICAL_WIDTH or self.y + self.h > LOGICAL_HEIGHT:
            raise ValueError(f"the rectangle reaches past the {LOGICAL_WIDTH} x {LOGICAL_HEIGHT} venue; move or shrink it")
        return self


class Fixture(StrictModel):
    """Something drawn in the venue: a counter where staff stand, a block of seats, a gate, a galley."""

    id: str
    kind: Literal["counter", "seats", "gate", "desk", "galley", "door", "window", "aisle", "sofa", "bar"]
    label: Text | None = None
    rect: Rect
    rows: Annotated[int, Field(ge=1, le=60)] = Field(1, description="seats: rows of seats in the block")
    cols: Annotated[int, Field(ge=1, le=60)] = Field(1, description="seats: seats per row")
    role: str | None = Field(None, description="counter, desk or galley: the staff role stationed here")
    segments: list[str] = Field(default_factory=list, description="seats: segments seated here (empty: anyone)")


class BoardColumn(StrictModel):
    """One column of an information board."""

    key: str
    title: Text
    width: Annotated[float, Field(gt=0)] = Field(1.0, description="relative width of the column")


class BoardRow(StrictModel):
    """One line of an information board (a flight, an order ticket)."""

    id: str
    cells: dict[str, Text]


class Board(StrictModel):
    """An information board of the venue: flight information, order tickets, notices."""

    id: str
    kind: Literal["flights", "tickets", "notices"]
    title: Text
    rect: Rect
    columns: list[BoardColumn] = Field(min_length=1)
    rows: list[BoardRow] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cells_match_columns(self) -> "Board":
        keys = {column.key for column in self.columns}
        for row in self.rows:
            unknown = sorted(set(row.cells) - keys)
            if unknown:
                raise ValueError(f"row '{row.id}' has cells {unknown} but the columns are {sorted(keys)}")
        return self


class Layout(StrictModel):
    """The venue the play scene draws."""

    theme: Literal["cabin", "lounge", "hall"] = "hall"
    entrance: Point = Field(default_factory=lambda: Point(x=40, y=680))
    fixtures: list[Fixture] = Field(default_factory=list)
    boards: list[Board] = Field(default_factory=list)


class CastMember(StrictModel):
    """A named customer of the exercise who arrives at a set time."""

    id: str
    name: Text
    segment: str
    at_min: Minutes
    tags: list[str] = Field(default_factory=list, description="for example asleep, child, vip, hungry, angry")
    description: Text | None = None
    seat: str | None = Field(None, description="the seats fixture (an id) where the game places them")


class BoardUpdate(StrictModel):
    """New cell values for one row of a board (added when the row does not exist yet)."""

    board: str
    row: str
    cells: dict[str, Text]


class ActionSpec(StrictModel):
    """A model action written in a scenario file; cast members are named by their cast id."""

    kind: ActionKind
    cast: list[str] = Field(default_factory=list)
    segment: str | None = None
    actions: list[str] = Field(default_factory=list, description="recover: keys of recovery.actions")
    role: str | None = None
    to_role: str | None = None
    count: Annotated[int, Field(ge=1, le=10_000)] = Field(1, description="reassign: staff moved; spawn: customers arriving")
    escalate: bool = False
    category: Literal["delivery_system", "customer_needs", "employee_action"] = "delivery_system"
    severity: Literal["minor", "major", "critical"] = "minor"
    delta: Mood = 0.0
    tags: list[str] = Field(default_factory=list)
    unless_tags: list[str] = Field(
        default_factory=list, description="skip cast members who carry any of these tags (e.g. notified)"
    )
    only_tags: list[str] = Field(
        default_factory=list, description="act only on cast members who carry all of these tags"
    )
    label: str = ""


class Inject(StrictModel):
    """A scripted event (the storm, the gate change, a new complaint) shown with a clear cue."""

    id: str
    at_min: Minutes
    kind: Literal["weather", "gate", "complaint", "delay", "info"] = "info"
    title: Text
    cue: Text
    actions: list[ActionSpec] = Field(default_factory=list)
    board: list[BoardUpdate] = Field(default_factory=list)
    about: str | None = Field(None, description="the cast member the inject is about (for unless_tags)")
    unless_tags: list[str] = Field(
        default_factory=list, description="skipped entirely when that cast member carries any of these tags"
    )


class Choice(StrictModel):
    """One response the trainee may give at a decision point, and what it does."""

    id: str
    text: Text
    applies_to: Target = Field("customer", description="customer: the one asking; segment/everyone: all present")
    actions: list[str] = Field(default_factory=list, description="recovery actions it triggers (keys of recovery.actions)")
    role: str | None = Field(None, description="staff role that carries them out (default: the trainee's role)")
    escalate: bool = False
    mood: Mood = Field(0.0, description="immediate change of the customer's mood (negative for a bad answer)")
    tags: list[str] = Field(default_factory=list, description="tags added to the customer (e.g. notified)")
    prioritise: str | None = Field(None, description="a segment moved to the front of its queue (e.g. family)")
    effects: list[ActionSpec] = Field(default_factory=list, description="further model actions")
    flags: list[Flag] = Field(default_factory=list)
    follows: list[Lesson] = Field(default_factory=list)
    breaks: list[Lesson] = Field(default_factory=list)
    feedback: Text
    reply: Text | None = Field(None, description="what the customer (or colleague) answers back to this choice")
    settings: OperationSettings | None = Field(
        None, description="operation settings this choice puts in force from now on (a pre-shift decision)"
    )


class Decision(StrictModel):
    """A moment when a customer speaks to the trainee, who has a few seconds to pick a response."""

    id: str
    at_min: Minutes | None = None
    after_inject: str | None = None
    delay_min: Minutes = 0.0
    about: str | None = Field(None, description="the cast member who speaks")
    segment: str | None = Field(None, description="or: the segment whose customers the choice addresses")
    speaker: Text | None = Field(None, description="who speaks when it is not a cast member")
    unless_tags: list[str] = Field(default_factory=list, description="skipped when the cast member has any of these tags")
    title: Text
    line: Text = Field(description="what the customer says")
    timer_s: Annotated[float, Field(gt=0, le=120)] = 20.0
    choices: list[Choice] = Field(min_length=3, max_length=5)
    default: str = Field(description="the choice a headless run takes when its playbook names none")

    def problems(self) -> list[str]:
        """What is inconsistent within the decision, as ``key: message`` lines relative to it.

        Checked with the scenario's cross-references (not as a field error), so one mistake here does
        not hide the others.
        """
        problems = []
        if (self.at_min is None) == (self.after_inject is None):
            problems.append("at_min: give exactly one of at_min or after_inject")
        if (self.about is None) == (self.segment is None):
            problems.append("about: give exactly one of about (a cast id) or segment")
        ids = [choice.id for choice in self.choices]
        if HESITATED in ids:
            raise ValueError(f"'{HESITATED}' is reserved for a trainee who lets the timer run out; rename that choice")
        if len(set(ids)) != len(ids):
            problems.append(f"choices: choice ids must be unique; got {ids}")
        if self.default not in ids:
            problems.append(f"default: default '{self.default}' is not one of the choices ({', '.join(ids)})")
        return problems


class Verb(StrictModel):
    """A play action the trainee can take at any time on a selected customer or staff member."""

    id: str
    label: Text
    key: Annotated[str, Field(pattern="^[a-zA-Z]$", description="keyboard shortcut: one letter (digits set the speed)")]
    target: Target = "customer"
    actions: list[str] = Field(default_factory=list, description="recovery actions it triggers")
    role: str | None = None
    escalate: bool = False
    mood: Mood = 0.0
    tags: list[str] = Field(default_factory=list)
    prioritise: bool = Field(False, description="move the selected customer to the front of the queue")
    to_role: str | None = Field(None, description="staff target: move one staff member of the role to this role")
    cooldown_min: Minutes = Field(
        20.0, description="the same action on the same target is possible again only after this many minutes"
    )
    follows: list[Lesson] = Field(default_factory=list)


class Exercise(StrictModel):
    """The game part of a scenario: who the trainee is, what they see and what they must decide."""

    role: Text = Field(description="the trainee's job in the exercise")
    trainee_role: str = Field(description="the staff role (a key of `staff`) the trainee belongs to")
    situation: Text
    goals: list[Text] = Field(min_length=1)
    principles: list[Principle] = Field(default_factory=list, description="the principles in play")
    dimensions: list[Dimension] = Field(default_factory=list, description="the recovery dimensions in play")
    time_scale: Annotated[float, Field(gt=0, le=60)] = Field(
        1.0, description="model minutes per real second at 1x speed"
    )
    start_min: Minutes = 0.0
    end_min: Minutes | None = Field(None, description="when play ends (default: the end of the run)")
    layout: Layout = Field(default_factory=Layout)
    cast: list[CastMember] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    verbs: list[Verb] = Field(default_factory=list)

    def own_problems(self) -> list[str]:
        """What is inconsistent within the exercise itself, as ``key: message`` lines relative to it."""
        problems = []
        named = [("cast", self.cast), ("injects", self.injects), ("decisions", self.decisions), ("verbs", self.verbs),
                 ("layout.fixtures", self.layout.fixtures), ("layout.boards", self.layout.boards),
                 *((f"layout.boards.{i}.rows", board.rows) for i, board in enumerate(self.layout.boards))]
        for kind, items in named:  # an id names one thing: what refers to it must not have to guess which
            duplicates = _used_twice([item.id for item in items])
            if duplicates:
                problems.append(f"{kind}: ids used twice: {', '.join(duplicates)}")
        for i, board in enumerate(self.layout.boards):
            duplicates = _used_twice([column.key for column in board.columns])
            if duplicates:
                problems.append(f"layout.boards.{i}.columns: keys used twice: {', '.join(duplicates)}")
        keys = [verb.key.lower() for verb in self.verbs]
        if len(set(keys)) != len(keys):
            problems.append(f"verbs: keyboard keys used twice: {keys}")
        if self.end_min is not None and self.end_min <= self.start_min:
            problems.append(f"end_min: ({self.end_min:g}) must be after start_min ({self.start_min:g})")
        for i, decision in enumerate(self.decisions):
            problems.extend(f"decisions.{i}.{problem}" for problem in decision.problems())
        return problems

    # -- cross-checks against the rest of the scenario ----------------------------------------
    def problems_against(self, scenario) -> list[str]:
        """Names the exercise uses (segments, roles, actions, cast, boards) that the scenario lacks."""
        checker = _Checker(self, scenario)
        checker.run()
        return checker.problems


def _used_twice(ids: list[str]) -> list[str]:
    """The ids that occur more than once, in order."""
    return sorted({i for i in ids if ids.count(i) > 1})


class _Checker:
    """Collects the cross-reference problems of one exercise, each led by its key path."""

    def __init__(self, exercise: Exercise, scenario):
        self.ex = exercise
        self.sc = scenario
        self.problems: list[str] = []
        self.cast = {member.id for member in exercise.cast}
        self.injects = {inject.id for inject in exercise.injects}
        self.boards = {board.id: board for board in exercise.layout.boards}

    def _name(self, path: str, value: str | None, allowed, what: str) -> None:
        if value is not None and value not in allowed:
            options = ", ".join(sorted(allowed)) or "none defined"
            self.problems.append(f"{path}: unknown {what} '{value}'; allowed: {options}")

    def _segment(self, path, value):
        self._name(path, value, self.sc.segments, "segment")

    def _role(self, path, value):
        self._name(path, value, self.sc.staff, "staff role")

    def _actions(self, path, names):
        for i, name in enumerate(names):
            self._name(f"{path}.{i}", name, self.sc.recovery.actions, "recovery action")

    def _spec(self, path: str, spec: ActionSpec) -> None:
        for i, cast_id in enumerate(spec.cast):
            self._name(f"{path}.cast.{i}", cast_id, self.cast, "cast member")
        self._segment(f"{path}.segment", spec.segment)
        self._actions(f"{path}.actions", spec.actions)
        self._role(f"{path}.role", spec.role)
        self._role(f"{path}.to_role", spec.to_role)
        if spec.kind == "spawn" and spec.segment is None:
            self.problems.append(f"{path}.segment: a spawn action needs the segment of the new customer")
        if spec.kind == "reassign" and (spec.role is None or spec.to_role is None):
            self.problems.append(f"{path}: a reassign action needs both role and to_role")

    def run(self) -> None:
        ex, base = self.ex, "exercise"
        self.problems.extend(f"{base}.{problem}" for problem in ex.own_problems())
        self._role(f"{base}.trainee_role", ex.trainee_role)
        horizon = self.sc.operation.horizon_min
        if ex.end_min is not None and ex.end_min > horizon:
            self.problems.append(f"{base}.end_min: {ex.end_min:g} is after the end of the run ({horizon:g} min)")
        for i, fixture in enumerate(ex.layout.fixtures):
            self._role(f"{base}.layout.fixtures.{i}.role", fixture.role)
            for j, segment in enumerate(fixture.segments):
                self._segment(f"{base}.layout.fixtures.{i}.segments.{j}", segment)
        seats = {f.id for f in ex.layout.fixtures if f.kind in ("seats", "sofa")}
        for i, member in enumerate(ex.cast):
            self._segment(f"{base}.cast.{i}.segment", member.segment)
            self._name(f"{base}.cast.{i}.seat", member.seat, seats, "seats fixture")
        for i, inject in enumerate(ex.injects):
            self._name(f"{base}.injects.{i}.about", inject.about, self.cast, "cast member")
            if inject.unless_tags and inject.about is None:
                self.problems.append(f"{base}.injects.{i}.unless_tags: name the cast member they apply to with `about`")
            for j, spec in enumerate(inject.actions):
                self._spec(f"{base}.injects.{i}.actions.{j}", spec)
            for j, update in enumerate(inject.board):
                path = f"{base}.injects.{i}.board.{j}"
                self._name(f"{path}.board", update.board, self.boards, "board")
                board = self.boards.get(update.board)
                if board is not None:
                    keys = {column.key for column in board.columns}
                    for key in update.cells:
                        self._name(f"{path}.cells", key, keys, "column")
        for i, decision in enumerate(ex.decisions):
            path = f"{base}.decisions.{i}"
            self._name(f"{path}.about", decision.about, self.cast, "cast member")
            self._segment(f"{path}.segment", decision.segment)
            self._name(f"{path}.after_inject", decision.after_inject, self.injects, "inject")
            for j, choice in enumerate(decision.choices):
                self._actions(f"{path}.choices.{j}.actions", choice.actions)
                self._role(f"{path}.choices.{j}.role", choice.role)
                self._segment(f"{path}.choices.{j}.prioritise", choice.prioritise)
                if choice.settings is not None and choice.settings.actions is not None:
                    self._actions(f"{path}.choices.{j}.settings.actions", choice.settings.actions)
                for k, spec in enumerate(choice.effects):
                    self._spec(f"{path}.choices.{j}.effects.{k}", spec)
        for i, verb in enumerate(ex.verbs):
            self._actions(f"{base}.verbs.{i}.actions", verb.actions)
            self._role(f"{base}.verbs.{i}.role", verb.role)
            self._role(f"{base}.verbs.{i}.to_role", verb.to_role)
        decisions = {d.id: {c.id for c in d.choices} for d in ex.decisions}
        for name, policy in self.sc.policies.items():
            for decision_id, choice_id in policy.choices.items():
                path = f"policies.{name}.choices.{decision_id}"
                if decision_id not in decisions:
                    self._name(path, decision_id, decisions, "decision")
                else:
                    self._name(path, choice_id, decisions[decision_id], "choice")
