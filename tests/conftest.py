"""Shared test helpers: scenario builders for textbook queues."""
from __future__ import annotations

import os

import pytest
import yaml

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")


def queue_scenario_dict(arrivals_per_min: float, service_mean: float, servers: int, minutes: float,
                        warmup_share: float = 0.1, patience_mean: float | None = None, failures: dict | None = None) -> dict:
    """An M/M/c (or M/M/c+M) scenario as data: one segment, one role, constant rate."""
    segment = {
        "arrivals_per_hour": arrivals_per_min * 60,
        "service": {"role": "agent", "time": {"dist": "exponential", "mean": service_mean}},
    }
    if patience_mean is not None:
        segment["patience_min"] = {"dist": "exponential", "mean": patience_mean}
    data = {
        "meta": {"title": "textbook queue"},
        "operation": {"duration_min": minutes, "warmup_min": minutes * warmup_share},
        "segments": {"customer": segment},
        "staff": {"agent": {"count": servers}},
    }
    if failures is not None:
        data["failures"] = failures
    return data


def network_scenario_dict(arrivals_per_min: float, stations: list[tuple[str, int, float]],
                          routing: list[list[float]] | None, minutes: float, warmup_min: float) -> dict:
    """A network of M/M/c stations as data: ``stations`` are (name, servers, mean service); ``routing[i][j]``
    is the chance to go from station i to station j after service (None: a tandem in list order)."""
    journey = []
    for i, (name, _, mean) in enumerate(stations):
        step = {"station": name, "time": {"dist": "exponential", "mean": mean}}
        if routing is not None:
            step["next"] = {stations[j][0]: p for j, p in enumerate(routing[i]) if p > 0}
        journey.append(step)
    return {
        "meta": {"title": "network"},
        "operation": {"duration_min": minutes, "warmup_min": warmup_min},
        "segments": {"customer": {"arrivals_per_hour": arrivals_per_min * 60, "journey": journey}},
        "staff": {name: {"count": servers} for name, servers, _ in stations},
    }


@pytest.fixture
def queue_data():
    """``queue_data(arrivals_per_min, service_mean, servers, minutes, ...)``: a textbook queue as data to change."""
    return queue_scenario_dict


@pytest.fixture
def make_network():
    """Build a validated network scenario: ``make_network(arrivals_per_min, stations, routing, minutes, warmup_min)``."""
    from sim import load_scenario_text

    def build(*args, **kwargs):
        return load_scenario_text(yaml.safe_dump(network_scenario_dict(*args, **kwargs)), "network.yaml")

    return build


@pytest.fixture
def make_queue():
    """Build a validated textbook-queue scenario: ``make_queue(arrivals_per_min, service_mean, servers, minutes)``."""
    from sim import load_scenario_text

    def build(*args, **kwargs):
        return load_scenario_text(yaml.safe_dump(queue_scenario_dict(*args, **kwargs)), "textbook.yaml")

    return build


@pytest.fixture
def write_scenario(tmp_path):
    """Write scenario data (a dict or YAML text) to a file and return its path."""

    def write(data, name: str = "scenario.yaml"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write


class FullDisk:
    """A folder whose file system has no space left: a tiny tmpfs filled to the brim, or (without the
    rights to mount one) every file write under the folder patched to fail with ENOSPC."""

    def __init__(self, folder, mounted: bool, monkeypatch):
        self.folder = folder
        self.mounted = mounted
        self._monkeypatch = monkeypatch

    def fill(self) -> None:
        """Use up the remaining space (files written before this call stay as they are)."""
        if self.mounted:
            with open(self.folder / ".filler", "wb", buffering=0) as filler:
                try:
                    while True:
                        filler.write(b"\0" * 4096)
                except OSError:
                    pass
            return
        import errno
        import io

        import sim.atomic_write as atomic

        folder = str(self.folder.resolve())
        real_fdopen = atomic.os.fdopen

        class NoSpace(io.RawIOBase):
            def writable(self):
                return True

            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

        def fdopen(handle, mode="r", *args, **kwargs):
            if os.readlink(f"/proc/self/fd/{handle}").startswith(folder):
                os.close(handle)
                stream = io.BufferedWriter(NoSpace())
                return stream if "b" in mode else io.TextIOWrapper(stream, encoding=kwargs.get("encoding") or "utf-8")
            return real_fdopen(handle, mode, *args, **kwargs)

        self._monkeypatch.setattr(atomic.os, "fdopen", fdopen)


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A :class:`FullDisk`: write the files that must survive, call ``fill()``, then try to write."""
    import subprocess

    folder = tmp_path / "small_disk"
    folder.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True).returncode == 0
    try:
        yield FullDisk(folder, mounted, monkeypatch)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
