"""Scenes by name: a scene opens another as ``make_scene("debrief", app, session)``.

No scene imports another, so the scenes form no import ring, and each module is loaded only when
its scene is first shown. A new scene is one line here.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

SCENES = {
    "title": "title:TitleScene",
    "settings": "settings:SettingsScene",
    "picker": "picker:PickerScene",
    "briefing": "briefing:BriefingScene",
    "play": "play:PlayScene",
    "dialog": "dialog:DialogScene",
    "debrief": "debrief:DebriefScene",
    "trainer_sessions": "trainer_sessions:TrainerSessionsScene",
    "trainer_new_session": "trainer_new_session:NewSessionScene",
    "trainer_session": "trainer_session:TrainerSessionScene",
    "trainer_trainee": "trainer_trainee:TraineeScene",
    "trainer_scoreboard": "trainer_scoreboard:ScoreboardScene",
    "trainer_debrief": "trainer_debrief:RecordDebriefScene",
    "classroom_join": "classroom_join:ClassroomJoinScene",
    "classroom_console": "classroom_console:ClassroomConsoleScene",
    "classroom_debrief": "classroom_debrief:ClassroomDebriefScene",
}


def scene_class(name: str) -> type:
    """The class of the scene registered as ``name``."""
    try:
        module, cls = SCENES[name].split(":")
    except KeyError:
        raise KeyError(f"no scene named {name!r}; registered: {', '.join(SCENES)}") from None
    return getattr(import_module(f"{__package__}.{module}"), cls)


TRAINEE_PATH = ("title", "picker", "briefing", "play", "dialog", "debrief")  # the screens a trainee opens first


def import_all(wait_for_quiet: Callable[[], None] = lambda: None) -> None:
    """Import every scene's module (the game does it in the background once the title is shown, so the
    first opening of a screen does not wait for its code to load): the trainee's screens at once, then
    each other one after ``wait_for_quiet`` returns (when the screen is not busy opening a scene)."""
    for name in TRAINEE_PATH:
        import_module(f"{__package__}.{SCENES[name].split(':')[0]}")
    for name, entry in SCENES.items():
        if name not in TRAINEE_PATH:
            wait_for_quiet()
            import_module(f"{__package__}.{entry.split(':')[0]}")


def make_scene(name: str, app: Any, *args: Any, **kwargs: Any):
    """A new scene ``name`` for ``app``, built with the scene's own arguments."""
    return scene_class(name)(app, *args, **kwargs)
