"""Generate README.md from nbs/index.ipynb without Quarto.

Markdown cells are copied as they are; code cells become ```python blocks, except cells starting
with a `#| hide` directive; nbdev directives (`#| ...`) are stripped. Outputs are not included.
Usage: python tools/make_readme.py [--check]   (--check: exit 1 if README.md is stale)
"""
import sys
from pathlib import Path

import nbformat

from mvkp.data import atomic_write

ROOT = Path(__file__).resolve().parents[1]


def render(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    parts = ['<!-- generated from nbs/index.ipynb by tools/make_readme.py: do not edit -->']
    for cell in nb.cells:
        src = cell.source.strip('\n')
        lines = src.splitlines()
        directives = [l for l in lines if l.startswith('#|')]
        if any(d.replace(' ', '') in ('#|hide', '#|exporti') for d in directives): continue
        body = '\n'.join(l for l in lines if not l.startswith('#|')).strip('\n')
        if not body: continue
        parts.append(body if cell.cell_type == 'markdown' else f'```python\n{body}\n```')
    return '\n\n'.join(parts) + '\n'


def main(argv):
    text = render(ROOT / 'nbs' / 'index.ipynb')
    out = ROOT / 'README.md'
    if '--check' in argv:
        if not out.exists() or out.read_text(encoding='utf-8') != text:
            sys.exit('README.md is out of date: run `python tools/make_readme.py`')
        return
    atomic_write(out, lambda tmp: Path(tmp).write_text(text, encoding='utf-8'))


if __name__ == '__main__':
    main(sys.argv[1:])
