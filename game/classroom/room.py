"""What the play scene does differently in a classroom: the room's phase holds the clock, the trainer's
injects arrive, the decision timers are the trainer's, and a line over the venue says what is going on."""
from __future__ import annotations

from .play import ClassroomPlay


class Room:
    """Ties a trainee's :class:`ClassroomPlay` and its link to the play scene showing it."""

    def __init__(self, play: ClassroomPlay, link):
        self.play = play
        self.link = link
        self._held = False  # the clock is stopped by the room, not by the trainee

    def before_update(self, scene) -> None:
        """Apply what the server sent, and stop or restart the clock with the room."""
        session = self.play.session
        for message in self.link.messages():
            happening = self.play.receive(message)
            if isinstance(happening, list):  # the trainer moved the clock on: what happened meanwhile
                for skipped in happening:
                    scene.show_happening(skipped)
                scene.notify(scene.t("classroom.advanced", minutes=f"{message['advance']:g}"))
            elif happening is not None and happening.ref in session.run.injects:
                scene.show_happening(happening)
            elif happening is not None:
                scene.notify(scene.t("classroom.disruption"), bad=True)
        if not self.play.running and not session.over:
            if session.speed:
                self._held = True
                session.set_speed(0)
        elif self._held:
            self._held = False
            session.set_speed(session.resume_speed)

    def after_update(self) -> None:
        self.play.keep_up()

    def decision_seconds(self, decision) -> float | None:
        return self.play.decision_seconds(decision)

    def status(self, t) -> str:
        """The line over the venue: why the clock stands still, that the connection is down, or the rank."""
        if not self.link.connected and not self.play.done:
            return t("classroom.offline")
        if self.play.phase in ("lobby", "paused", "ended"):
            return t(f"classroom.{self.play.phase}")
        board = self.play.revealed_board
        if board is not None:
            me = next((line for line in board["trainees"] if line.get("me")), None)
            if me is not None:
                return t("classroom.rank", rank=me["rank"], count=len(board["trainees"]))
        return ""

    def close(self) -> None:
        self.link.close()
