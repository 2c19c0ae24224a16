"""The viewer as a user sees it: JupyterLab in headless Chromium (Playwright), run all cells, drag the frame slider.

Run with `pytest tests/test_viewer_browser.py --runbrowser`; skipped where Debian's chromium, playwright or
jupyterlab are missing. The machinery lives in tools/viewer_screenshot.py (which also makes docs/viewer.png).
"""
import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location('viewer_screenshot', ROOT / 'tools' / 'viewer_screenshot.py')
vs = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(vs)


def _pixels(png: bytes) -> np.ndarray:
    import matplotlib.image as mpimg
    return mpimg.imread(io.BytesIO(png), format='png')


@pytest.mark.browser
def test_viewer_in_jupyterlab(tmp_path):
    why = vs.missing()
    if why: pytest.skip(why)
    run = vs.tiny_run(tmp_path)
    vs.write_notebook(tmp_path / 'viewer.ipynb', run)
    with vs.jupyter_lab(tmp_path) as (url, token):
        res = vs.drive(url, token, 'viewer.ipynb')
    (tmp_path / 'before.png').write_bytes(res['before']); (tmp_path / 'after.png').write_bytes(res['after'])
    assert res['readout_before'] == '0' and res['readout_after'] not in ('', '0'), \
        f'the slider did not move: {res["readout_before"]!r} -> {res["readout_after"]!r}'
    assert res['src_before'].startswith('data:image/png') and res['src_after'] != res['src_before']
    a, b = _pixels(res['before']), _pixels(res['after'])
    assert a.shape[0] > 300 and a.shape[1] > 600, f'viewer widget too small: {a.shape}'
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    diff = np.abs(a[:h, :w, :3] - b[:h, :w, :3]).max(-1) > .1
    assert diff.mean() > .01, f'the screenshot hardly changed after moving the slider ({diff.mean():.4f} of the pixels)'
