"""Run notebooks top to bottom and keep their outputs, so that a reader on the web sees the figures.

Cells are skipped as `nbdev_test` skips them (flags in settings.ini's `tst_flags`, e.g. `#| slow`, and `#| eval: false`);
figures are saved small (PNG, 72 dpi). Run it from the repository root, then `nbdev_clean`:
    python tools/execute_notebooks.py nbs/01_crop_composite.ipynb nbs/02_keypoints.ipynb ...
A notebook is rewritten only when every cell ran (written to a temporary file, then renamed)."""
import os, sys
from configparser import ConfigParser
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

from mvkp.data import atomic_write

ROOT = Path(__file__).resolve().parents[1]
SETUP = ("%matplotlib inline\nfrom matplotlib_inline.backend_inline import set_matplotlib_formats\n"
         "set_matplotlib_formats('png')\nimport matplotlib\nmatplotlib.rcParams['figure.dpi'] = 72")


def skip_flags() -> set:
    cfg = ConfigParser(); cfg.read(ROOT / 'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())


def should_run(cell, flags: set) -> bool:
    if cell.cell_type != 'code': return False
    directives = [l[3:].strip().split() for l in cell.source.splitlines() if l.startswith('#| ') and l[3:].strip()]
    for d in directives:
        if d[0] in flags or (d[0] == 'eval:' and d[1:2] == ['false']) or 'nbdev_export(' in cell.source: return False
    return True


def execute(path: Path, flags: set):
    nb = read_nb(path)
    for c in nb.cells:
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    sh = CaptureShell(path)
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        sh.run(SETUP)
        sh.run_all(nb, exc_stop=True, preproc=lambda c: not should_run(c, flags))
    finally: os.chdir(cwd)
    atomic_write(path, lambda tmp: write_nb(nb, tmp))


if __name__ == '__main__':
    flags = skip_flags()
    for p in sys.argv[1:]:
        execute(Path(p).resolve(), flags); print(f'{p}: {Path(p).stat().st_size / 1024:.0f} KB')
