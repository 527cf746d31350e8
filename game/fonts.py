"""Find a font with Chinese glyphs at run time, and render text through one cache.

The font comes from ``--font PATH``, else the Noto Sans CJK collection that the ``noto-cjk-sans-otc``
package installs with the game (its Simplified Chinese face, which also has the arrows and ticks the
screens use), else fontconfig (``fc-match``), else a list of well-known paths. With none found the game
falls back to pygame's default font after one clear message: English still reads well, Chinese shows
as boxes. Whatever the chosen font, a character it lacks is drawn by the next font of a fallback chain
(the packaged Chinese face, DejaVu Sans for marks, pygame's default), so one line can mix English,
Chinese, arrows and ticks.

Each font of the chain is opened once, as one ``pygame.freetype.Font`` drawn at any size: FreeType keeps
only two faces open at a time (pygame's cache manager uses its defaults), so a Font object per size
made every change of size or font reopen the 20 MB Chinese collection, about half a millisecond a
call; a screen full of new text then took a hundred milliseconds to draw.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pygame
import pygame.freetype

from sim.errors import UserError

# (path, face index) of common CJK fonts; the index picks the Simplified Chinese face of a collection.
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
GLYPH_CACHE_BUCKETS = 8192  # pygame keeps about two rendered glyphs a bucket per font (the default 64 holds ~128)
FONT_HELP = "reinstall the game (it brings the noto-cjk-sans-otc font package) or pass --font PATH"


@dataclass(frozen=True)
class FontSource:
    """Where the game's font comes from: a file and its face index, or None for pygame's default."""

    path: str | None
    index: int = 0
    has_cjk: bool = True


def _fontconfig_match() -> FontSource | None:
    """Ask fontconfig for the best Simplified Chinese sans-serif font."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{lang}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = out.partition("\t")
    index, _, langs = rest.partition("\t")
    if not path or "zh-cn" not in langs.split("|") or not Path(path).is_file():
        return None
    return FontSource(path, int(index) if index.isdigit() else 0)


PACKAGED_SC_FACE = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc (JP, KR, SC, TC, HK, then the Mono faces)


def packaged_cjk_font() -> FontSource | None:
    """The Noto Sans CJK SC face installed with the game (package ``noto-cjk-sans-otc``), or None."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return FontSource(str(path), PACKAGED_SC_FACE) if path.is_file() else None


def find_cjk_font() -> FontSource | None:
    """The CJK font installed with the game, else the first one found on this computer, or None."""
    found = packaged_cjk_font() or _fontconfig_match()
    if found is not None:
        return found
    for path, index in KNOWN_FONTS:
        if Path(path).is_file():
            return FontSource(path, index)
    return None


def resolve_font(path: str | None) -> FontSource:
    """The font to use: ``--font PATH`` (which must load), or a CJK font found, or the default fallback."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise UserError(f"--font {path}: no such font file; {FONT_HELP}")
        init_freetype()
        try:
            pygame.freetype.Font(str(file), 16)
        except (OSError, pygame.error) as exc:
            raise UserError(f"--font {path}: not a font pygame can read ({exc}); give a .ttf, .otf or .ttc file") from None
        return FontSource(str(file), 0)
    found = find_cjk_font()
    if found is not None:
        return found
    print(f"No Chinese font found; Chinese text will show as boxes. To fix it, {FONT_HELP}.", file=sys.stderr)
    return FontSource(None, 0, has_cjk=False)


def symbol_font() -> FontSource | None:
    """DejaVu Sans as matplotlib installs it: Latin, arrows, ticks and other marks a CJK-only font lacks
    (found without importing matplotlib, which is slow to import)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return FontSource(str(path), 0, has_cjk=False) if path.is_file() else None


def fallback_chain(source: FontSource) -> list[FontSource]:
    """The fonts tried, glyph by glyph, in order: the chosen one, the packaged Chinese face, a symbol
    font, and pygame's default font (each once), so a Chinese-only ``--font`` still shows English and a
    Latin-only one still shows Chinese."""
    chain = [source]
    for extra in (packaged_cjk_font(), symbol_font(), FontSource(None, 0, has_cjk=False)):
        if extra is not None and all((extra.path, extra.index) != (known.path, known.index) for known in chain):
            chain.append(extra)
    return chain


def init_freetype() -> None:
    """Start pygame's FreeType module (once), with a glyph cache big enough for a screen of Chinese."""
    if not pygame.freetype.get_init():
        pygame.freetype.init(cache_size=GLYPH_CACHE_BUCKETS)


def _probe_has_cjk(source: FontSource) -> bool:
    """Whether the font really has Chinese glyphs (a few common characters)."""
    face = pygame.freetype.Font(source.path, 16, font_index=source.index)
    return all(metrics is not None for metrics in face.get_metrics("中文的"))


class FontBook:
    """Renders text once per (text, size, colour, weight) and hands back the cached surface.

    Each character is drawn with the first font of :func:`fallback_chain` that has it: text is split into
    runs of characters sharing a font, and the runs are drawn side by side on one baseline.
    """

    MAX_CACHED = 6000

    def __init__(self, source: FontSource, scale: float = 1.0, chain: list[FontSource] | None = None):
        init_freetype()
        self.source = source
        self.scale = scale
        self._chain = chain
        self._faces: dict[int, pygame.freetype.Font] = {}
        self._font_of: dict[str, int] = {}
        self._has: dict[tuple[int, str], bool] = {}
        self._runs: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
        self._wrapped: OrderedDict[tuple, list[str]] = OrderedDict()
        self._token_widths: dict[tuple[str, int, bool], int] = {}
        self._line_heights: dict[int, int] = {}
        self._cjk: tuple[list[FontSource], FontSource | None] | None = None
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    @property
    def chain(self) -> list[FontSource]:
        """The fonts tried for each character, the chosen one first."""
        if self._chain is None or self._chain[0] != self.source:
            self._chain = fallback_chain(self.source)
            for cache in (self._faces, self._font_of, self._has, self._runs, self._wrapped, self._token_widths, self._line_heights, self._cache):
                cache.clear()
        return self._chain

    @property
    def cjk_source(self) -> FontSource | None:
        """The first font of the chain that draws Chinese (the debrief chart uses it), or None."""
        chain = self.chain
        if self._cjk is None or self._cjk[0] is not chain:
            found = next((source for source in chain if source.path is not None and source.has_cjk and _probe_has_cjk(source)), None)
            self._cjk = (chain, found)
        return self._cjk[1]

    @property
    def has_cjk(self) -> bool:
        """Whether some font of the chain draws Chinese."""
        return self.cjk_source is not None

    def set_scale(self, scale: float) -> None:
        """Change the text size setting (clears the cache)."""
        if scale != self.scale:
            self.scale = scale
            for cache in (self._cache, self._wrapped, self._line_heights):
                cache.clear()

    def px(self, size: int) -> int:
        """The pixel size of a nominal text size under the current scale."""
        return max(8, round(size * self.scale))

    def face(self, which: int = 0) -> pygame.freetype.Font:
        """The ``which``-th font of the chain, opened once and drawn at any size (``size=`` per call)."""
        face = self._faces.get(which)
        if face is None:
            source = self.chain[which]
            face = pygame.freetype.Font(source.path, 16, font_index=source.index)
            face.antialiased = True
            face.pad = True
            self._faces[which] = face
        return face

    def has_glyph(self, which: int, char: str) -> bool:
        """Whether the ``which``-th font of the chain has a glyph for ``char``."""
        found = self._has.get((which, char))
        if found is None:
            found = self._has[(which, char)] = self.face(which).get_metrics(char)[0] is not None
        return found

    def font_for(self, char: str) -> int:
        """The index in the chain of the first font with a glyph for ``char`` (the chosen font if none has)."""
        found = self._font_of.get(char)
        if found is None:
            found = next((i for i in range(len(self.chain)) if self.has_glyph(i, char)), 0)
            self._font_of[char] = found
        return found

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` cut into runs of characters drawn by the same font: (chain index, characters).
        A space stays with the run it follows when that font has one, so a sentence is not cut at every word."""
        cached = self._runs.get(text)
        if cached is not None:
            return cached
        runs: list[tuple[int, str]] = []
        for char in text:
            which = self.font_for(char)
            if runs and char.isspace() and self.has_glyph(runs[-1][0], char):
                which = runs[-1][0]
            if runs and which == runs[-1][0]:
                runs[-1] = (which, runs[-1][1] + char)
            else:
                runs.append((which, char))
        self._runs[text] = runs
        if len(self._runs) > self.MAX_CACHED:
            self._runs.popitem(last=False)
        return runs

    def render(self, text: str, size: int, color, bold: bool = False) -> pygame.Surface:
        """A surface with ``text`` drawn in ``color`` (cached)."""
        key = (text, size, tuple(color), bold, self.scale)
        surface = self._cache.get(key)
        if surface is not None:
            self._cache.move_to_end(key)
            return surface
        style = pygame.freetype.STYLE_STRONG if bold else pygame.freetype.STYLE_DEFAULT
        px = self.px(size)
        pieces = [self.face(which).render(run, fgcolor=color, style=style, size=px) for which, run in self.runs(text or " ")]
        if len(pieces) == 1:
            surface = pieces[0][0]
        else:  # one baseline: the tallest ascent above it, the deepest descent below
            ascent = max(rect.y for _, rect in pieces)
            descent = max(piece.get_height() - rect.y for piece, rect in pieces)
            surface = pygame.Surface((sum(piece.get_width() for piece, _ in pieces), ascent + descent), pygame.SRCALPHA)
            x = 0
            for piece, rect in pieces:
                surface.blit(piece, (x, ascent - rect.y))
                x += piece.get_width()
        surface = surface.convert_alpha() if pygame.display.get_surface() is not None else surface
        self._cache[key] = surface
        if len(self._cache) > self.MAX_CACHED:
            self._cache.popitem(last=False)
        return surface

    def width(self, text: str, size: int, bold: bool = False) -> int:
        return self.render(text, size, (0, 0, 0), bold).get_width()

    def line_height(self, size: int) -> int:
        """The step between lines: room for the tallest font of the chain, as a line may mix them."""
        found = self._line_heights.get(size)
        if found is None:
            px = self.px(size)
            found = round(max(self.face(which).get_sized_height(px) for which in range(len(self.chain))) * 1.12)
            self._line_heights[size] = found
        return found

    def wrap(self, text: str, size: int, width: int, bold: bool = False) -> list[str]:
        """Break ``text`` into lines no wider than ``width``: between words, or between Chinese characters (cached)."""
        key = (text, size, width, bold)
        cached = self._wrapped.get(key)
        if cached is not None:
            return list(cached)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines.extend(self._wrap_paragraph(paragraph, size, width, bold))
        self._wrapped[key] = lines
        if len(self._wrapped) > self.MAX_CACHED:
            self._wrapped.popitem(last=False)
        return list(lines)

    def _text_width(self, text: str, size: int, bold: bool) -> int:
        """The width of ``text`` drawn through the chain, measured without drawing it."""
        style = pygame.freetype.STYLE_STRONG if bold else pygame.freetype.STYLE_DEFAULT
        px = self.px(size)
        return sum(self.face(which).get_rect(run, style=style, size=px).width for which, run in self.runs(text))

    def _token_width(self, token: str, size: int, bold: bool) -> int:
        key = (token, self.px(size), bold)  # by pixel size: a change of the text size setting measures anew
        found = self._token_widths.get(key)
        if found is None:
            if len(self._token_widths) > self.MAX_CACHED:
                self._token_widths.clear()
            found = self._token_widths[key] = self._text_width(token, size, bold)
        return found

    def _wrap_paragraph(self, text: str, size: int, width: int, bold: bool) -> list[str]:
        """Greedy line filling. A candidate line is measured whole only near the limit: well inside it, the
        sum of its tokens' widths decides (joining tokens moves a glyph by a pixel or two, not by a tenth),
        so a long paragraph costs a few measurements per line instead of one per token."""
        sure = width * 0.9
        lines: list[str] = []
        current, estimate = "", 0
        for token in _tokens(text):
            candidate = current + token
            token_width = self._token_width(token, size, bold)
            if not current or estimate + token_width <= sure or self._text_width(candidate, size, bold) <= width:
                current, estimate = candidate, estimate + token_width
                continue
            lines.append(current.rstrip())
            current = token.lstrip()
            estimate = self._token_width(current, size, bold)
        if current or not lines:
            lines.append(current.rstrip())
        return lines


OPENING_MARKS = "（「『“‘《"


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or 0x3000 <= code <= 0x303F


def _tokens(text: str) -> list[str]:
    """Words with their trailing space, and single CJK characters (punctuation stays with the character before)."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if _is_cjk(char):
            if word:
                tokens.append(word)
                word = ""
            if tokens and char in "，。、；：！？）」』”’》" and len(tokens[-1]) <= 2:
                tokens[-1] += char
            elif tokens and tokens[-1] in OPENING_MARKS:  # an opening bracket stays with the character after it
                tokens[-1] += char
            else:
                tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens
