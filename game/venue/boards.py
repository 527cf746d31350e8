"""The venue's information boards (flights, order tickets, notices): their live rows and their drawing."""
from __future__ import annotations

import pygame

from sim.scenario.exercise import Board, BoardUpdate

from .. import theme
from ..fonts import FontBook
from ..widgets import fit_text
from .geometry import Viewport

STYLE = {
    "flights": ((16, 20, 28), (250, 200, 80), (255, 226, 140)),  # background, title, cells
    "tickets": ((236, 232, 214), (60, 60, 70), (40, 40, 48)),
    "notices": ((28, 44, 60), (140, 200, 250), (220, 232, 244)),
}
CHANGED_S = 8.0  # a changed row flashes this long (real seconds)


class BoardState:
    """One board's rows as they are now; injects update cells and add rows."""

    def __init__(self, board: Board):
        self.board = board
        self.rows: list[tuple[str, dict]] = [(row.id, dict(row.cells)) for row in board.rows]
        self.version = 0
        self.changed: dict[str, float] = {}

    def apply(self, update: BoardUpdate, flash: bool = True) -> None:
        for row_id, cells in self.rows:
            if row_id == update.row:
                cells.update(update.cells)
                break
        else:
            self.rows.append((update.row, dict(update.cells)))
        if flash:
            self.changed[update.row] = CHANGED_S
        self.version += 1

    def update(self, dt: float) -> None:
        for row in list(self.changed):
            self.changed[row] -= dt
            if self.changed[row] <= 0:
                del self.changed[row]
                self.version += 1


class BoardPainter:
    """Draws boards into cached surfaces, redrawn only when a board, the language or the text size changes."""

    def __init__(self, fonts: FontBook, view: Viewport):
        self.fonts = fonts
        self.view = view
        self._cache: dict[str, tuple[tuple, pygame.Surface]] = {}

    def draw(self, surface: pygame.Surface, state: BoardState, local, lang: str) -> None:
        rect = self.view.rect(state.board.rect)
        key = (state.version, lang, self.fonts.scale)
        cached = self._cache.get(state.board.id)
        if cached is None or cached[0] != key:
            cached = (key, self._render(state, rect.size, local))
            self._cache[state.board.id] = cached
        surface.blit(cached[1], rect)

    def _render(self, state: BoardState, size, local) -> pygame.Surface:
        board, fonts = state.board, self.fonts
        back, title_colour, cell_colour = STYLE[board.kind]
        surface = pygame.Surface(size).convert()
        surface.fill(back)
        pygame.draw.rect(surface, (90, 100, 120), surface.get_rect(), width=1)
        title = fonts.render(local(board.title), theme.SMALL, title_colour, True)
        surface.blit(title, (8, 2))
        y = 2 + title.get_height()
        total = sum(c.width for c in board.columns)
        xs, x = [], 8
        for column in board.columns:
            xs.append(x)
            x += (size[0] - 16) * column.width / total
        header_colour = tuple(c // 2 + 60 for c in cell_colour)
        widths = [int(nxt - cx - 4) for cx, nxt in zip(xs, [*xs[1:], size[0] - 8])]
        texts = [[local(column.title) for column in board.columns]]
        texts += [[local(cells[c.key]) if cells.get(c.key) is not None else "" for c in board.columns] for _, cells in state.rows]
        text_size = fitting_size(fonts, texts, widths, size[1] - 2 - y)
        for column, cx, width in zip(board.columns, xs, widths):
            surface.blit(fonts.render(fit(fonts, local(column.title), text_size, width), text_size, header_colour), (cx, y))
        line_h = line_step(fonts, text_size)
        y += line_h
        for row_id, cells in state.rows:
            lines = [cell_lines(fonts, local(cells[c.key]) if cells.get(c.key) is not None else "", text_size, width)
                     for c, width in zip(board.columns, widths)]
            row_h = line_h * max(1, *(len(cell) for cell in lines))
            if y + row_h > size[1] - 2:
                break
            if row_id in state.changed:
                pygame.draw.rect(surface, (120, 60, 40) if board.kind != "tickets" else (250, 220, 140), (4, y - 1, size[0] - 8, row_h))
            for cx, cell in zip(xs, lines):
                for i, line in enumerate(cell):
                    surface.blit(fonts.render(line, text_size, cell_colour), (cx, y + i * line_h))
            y += row_h
        return surface


def cell_lines(fonts, text: str, size: int, width: int, most: int = 2) -> list[str]:
    """A cell's text in lines that fit ``width``: wrapped onto ``most`` lines, the last cut with an ellipsis."""
    if not text:
        return []
    lines = fonts.wrap(text, size, width)
    if len(lines) > most:
        lines = lines[:most - 1] + [fit(fonts, " ".join(lines[most - 1:]), size, width)]
    return [fit(fonts, line, size, width) for line in lines]


SMALLEST = 8  # board text never shrinks below this nominal size (12 px at 1.5x, about the normal size)


def fitting_size(fonts, rows: list[list[str]], widths: list[int], room: int | None = None) -> int:
    """The largest text size, from the venue's TINY down to SMALLEST, at which the column titles (the first
    row) fit their columns, every cell fits in two lines and, given the ``room`` below the board's title,
    every row fits in it (a board is a sign of fixed size: large text grows on it only as far as the sign
    allows)."""
    def fits(size: int) -> bool:
        titles = all(fonts.width(text, size) <= width for text, width in zip(rows[0], widths))
        if not titles or not all(_whole(fonts, text, size, width) for row in rows[1:] for text, width in zip(row, widths) if text):
            return False
        return room is None or rows_height(fonts, rows, widths, size) <= room

    return next((size for size in range(theme.TINY, SMALLEST, -1) if fits(size)), SMALLEST)


def line_step(fonts, size: int) -> int:
    """The step between two lines of board text (a little tighter than running text)."""
    return round(fonts.line_height(size) * 0.95)


def rows_height(fonts, rows: list[list[str]], widths: list[int], size: int) -> int:
    """The height the column titles and the rows take at ``size`` (a row as tall as its tallest cell)."""
    step = line_step(fonts, size)
    return step + sum(step * max(1, *(len(cell_lines(fonts, text, size, width)) for text, width in zip(row, widths)))
                      for row in rows[1:])


def _whole(fonts, text: str, size: int, width: int) -> bool:
    """Whether ``text`` shows whole in a cell of ``width`` (in at most two lines, nothing cut)."""
    lines = fonts.wrap(text, size, width)
    return len(lines) <= 2 and all(fonts.width(line, size) <= width for line in lines)


fit = fit_text  # a cell's text whole, or cut with an ellipsis
